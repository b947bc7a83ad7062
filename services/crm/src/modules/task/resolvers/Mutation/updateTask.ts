import type { MutationResolvers } from '../../../../generated/graphql';

export const updateTask: NonNullable<MutationResolvers['updateTask']> = (_parent, { id, input }, context) =>
  context.tasks.update(context.auth, id, input);
