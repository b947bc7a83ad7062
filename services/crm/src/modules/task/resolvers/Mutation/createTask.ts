import type { MutationResolvers } from '../../../../generated/graphql';

export const createTask: NonNullable<MutationResolvers['createTask']> = (_parent, { input }, context) =>
  context.tasks.create(context.auth, input);
