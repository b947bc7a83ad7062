import type { UserResolvers } from '../../../generated/graphql';

export const User: UserResolvers = {
  invitation: (user, _args, { invitationByUserId }) => invitationByUserId.load(user.id),
};
