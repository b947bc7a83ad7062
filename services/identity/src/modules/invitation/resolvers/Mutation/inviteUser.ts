import type { MutationResolvers } from '../../../../generated/graphql';

export const inviteUser: NonNullable<MutationResolvers['inviteUser']> = (
  _parent,
  { input },
  { auth, invitations },
) => invitations.invite(auth, input);
