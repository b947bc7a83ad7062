import type { MutationResolvers } from '../../../../generated/graphql';

export const deactivateUser: NonNullable<MutationResolvers['deactivateUser']> = (
  _parent,
  { id, reason },
  { auth, users },
) => users.changeStatus(auth, id, 'deactivate', reason);
