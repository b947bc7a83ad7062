import type { MutationResolvers } from '../../../../generated/graphql';

export const deleteUser: NonNullable<MutationResolvers['deleteUser']> = (_parent, { id }, { auth, users }) =>
  users.changeStatus(auth, id, 'delete');
