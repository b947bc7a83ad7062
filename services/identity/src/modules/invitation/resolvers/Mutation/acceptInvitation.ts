import type { MutationResolvers } from '../../../../generated/graphql';

export const acceptInvitation: NonNullable<MutationResolvers['acceptInvitation']> = (
  _parent,
  { input },
  { invitations },
) => invitations.accept(input);
