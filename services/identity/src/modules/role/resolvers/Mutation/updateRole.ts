import type { MutationResolvers } from '../../../../generated/graphql';

export const updateRole: NonNullable<MutationResolvers['updateRole']> = (
  _parent,
  { id, input },
  { auth, roles },
) => roles.update(auth, id, input);
