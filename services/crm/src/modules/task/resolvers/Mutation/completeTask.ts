import type { MutationResolvers } from '../../../../generated/graphql';

export const completeTask: NonNullable<MutationResolvers['completeTask']> = (_parent, { id }, context) =>
  context.tasks.complete(context.auth, id);
