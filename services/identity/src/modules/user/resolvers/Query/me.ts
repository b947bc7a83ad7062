import type { QueryResolvers } from '../../../../generated/graphql';

export const me: NonNullable<QueryResolvers['me']> = (_parent, _args, { auth, users, userById }) =>
  users.me(auth, (id) => userById.load(id));
