import type { QueryResolvers } from '../../../../generated/graphql';

export const workflows: NonNullable<QueryResolvers['workflows']> = (_parent, _args, { auth, workflows }) =>
  workflows.list(auth);
