import type { MutationResolvers } from '../../../../generated/graphql';

export const updateUser: NonNullable<MutationResolvers['updateUser']> = (
  _parent,
  { id, input },
  { auth, users },
) => users.update(auth, id, input);
