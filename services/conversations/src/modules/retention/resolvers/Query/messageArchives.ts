import type { QueryResolvers } from '../../../../generated/graphql';

export const messageArchives: NonNullable<QueryResolvers['messageArchives']> = (
  _parent,
  _args,
  { auth, messageArchives: archives },
) => archives.list(auth);
