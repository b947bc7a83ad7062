import type { MutationResolvers } from '../../../../generated/graphql';

export const suspendUser: NonNullable<MutationResolvers['suspendUser']> = (
  _parent,
  { id, reason },
  { auth, users },
) => users.changeStatus(auth, id, 'suspend', reason);
