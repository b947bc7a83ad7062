import type { MutationResolvers } from '../../../../generated/graphql';

export const createMachineUser: NonNullable<MutationResolvers['createMachineUser']> = (
  _parent,
  { input },
  { auth, invitations },
) => invitations.createMachineUser(auth, input);
