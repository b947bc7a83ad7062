import type { QueryResolvers } from '../../../../generated/graphql';

export const task: NonNullable<QueryResolvers['task']> = (_parent, { id }, { auth, tasks, taskById }) =>
  tasks.get(auth, id, (key) => taskById.load(key));
