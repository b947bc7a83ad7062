import type { MutationResolvers } from '../../../../generated/graphql';

export const deleteRole: NonNullable<MutationResolvers['deleteRole']> = (_parent, { id }, { auth, roles }) =>
  roles.delete(auth, id);
