import type { MutationResolvers } from '../../../../generated/graphql';

export const resendInvitation: NonNullable<MutationResolvers['resendInvitation']> = (
  _parent,
  { userId },
  { auth, invitations },
) => invitations.resend(auth, userId);
