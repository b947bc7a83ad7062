import type { QueryResolvers } from '../../../../generated/graphql';

export const roles: NonNullable<QueryResolvers['roles']> = (_parent, _args, { auth, roles: operations }) =>
  operations.list(auth);
