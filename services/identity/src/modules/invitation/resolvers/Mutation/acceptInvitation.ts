import type { MutationResolvers } from '../../../../generated/graphql';

export const acceptInvitation: NonNullable<MutationResolvers['acceptInvitation']> = (
  _parent,
  { input },
  { auth, invitations },
) => invitations.accept(input, { address: auth.clientAddress, userAgent: auth.userAgent });
