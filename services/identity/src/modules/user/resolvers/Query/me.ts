import type { QueryResolvers } from '../../../../generated/graphql';

export const me: NonNullable<QueryResolvers['me']> = (_parent, _args, { auth, users }) => users.me(auth);
