import type { MutationResolvers } from '../../../../generated/graphql';

export const revokeInvitation: NonNullable<MutationResolvers['revokeInvitation']> = (
  _parent,
  { userId },
  { auth, invitations },
) => invitations.revoke(auth, userId);
