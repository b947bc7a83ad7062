import type { QueryResolvers } from '../../../../generated/graphql';

export const mySessions: NonNullable<QueryResolvers['mySessions']> = (
  _parent,
  _args,
  { auth, authentication },
) => authentication.mySessions(auth);
