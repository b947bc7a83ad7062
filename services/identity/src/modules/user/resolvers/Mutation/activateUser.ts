import type { MutationResolvers } from '../../../../generated/graphql';

export const activateUser: NonNullable<MutationResolvers['activateUser']> = (
  _parent,
  { id },
  { auth, users },
) => users.changeStatus(auth, id, 'activate');
