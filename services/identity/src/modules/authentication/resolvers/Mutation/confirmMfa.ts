import type { MutationResolvers } from '../../../../generated/graphql';

export const confirmMfa: NonNullable<MutationResolvers['confirmMfa']> = (
  _parent,
  { code },
  { auth, authentication },
) => authentication.confirmMfa(auth, code);
