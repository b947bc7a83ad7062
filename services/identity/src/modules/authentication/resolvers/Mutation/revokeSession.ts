import type { MutationResolvers } from '../../../../generated/graphql';

export const revokeSession: NonNullable<MutationResolvers['revokeSession']> = (
  _parent,
  { id },
  { auth, authentication },
) => authentication.revokeSession(auth, id);
