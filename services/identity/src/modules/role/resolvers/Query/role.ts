import type { QueryResolvers } from '../../../../generated/graphql';

export const role: NonNullable<QueryResolvers['role']> = (_parent, { id }, { auth, roles }) =>
  roles.byId(auth, id);
