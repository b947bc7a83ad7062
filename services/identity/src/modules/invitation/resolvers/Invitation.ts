import { invitationStatus } from '../domain/invitation';
import type { InvitationResolvers } from '../../../generated/graphql';

export const Invitation: InvitationResolvers = {
  status: (invitation) => invitationStatus(invitation, new Date()),
  invitedBy: (invitation, _args, { userById }) =>
    invitation.invitedById ? userById.load(invitation.invitedById) : null,
};
