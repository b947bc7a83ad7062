import type { MutationResolvers } from '../../../../generated/graphql';

export const enrollMfa: NonNullable<MutationResolvers['enrollMfa']> = (
  _parent,
  _args,
  { auth, authentication },
) => authentication.enrollMfa(auth);
