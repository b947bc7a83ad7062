import type { MutationResolvers } from '../../../../generated/graphql';

export const revokeAllSessions: NonNullable<MutationResolvers['revokeAllSessions']> = (
  _parent,
  { exceptCurrent },
  { auth, authentication },
) => authentication.revokeAllSessions(auth, exceptCurrent ?? false);
