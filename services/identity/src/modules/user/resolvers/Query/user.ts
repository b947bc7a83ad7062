import type { QueryResolvers } from '../../../../generated/graphql';

export const user: NonNullable<QueryResolvers['user']> = (_parent, { id }, { auth, users }) =>
  users.byId(auth, id);
