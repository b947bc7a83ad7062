import type { MutationResolvers } from '../../../../generated/graphql';

export const reactivateUser: NonNullable<MutationResolvers['reactivateUser']> = (
  _parent,
  { id },
  { auth, users },
) => users.changeStatus(auth, id, 'reactivate');
