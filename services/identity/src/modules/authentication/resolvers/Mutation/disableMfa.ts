import type { MutationResolvers } from '../../../../generated/graphql';

export const disableMfa: NonNullable<MutationResolvers['disableMfa']> = (
  _parent,
  { password },
  { auth, authentication },
) => authentication.disableMfa(auth, password);
