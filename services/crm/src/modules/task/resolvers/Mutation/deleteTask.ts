import type { MutationResolvers } from '../../../../generated/graphql';

export const deleteTask: NonNullable<MutationResolvers['deleteTask']> = (_parent, { id }, context) =>
  context.tasks.remove(context.auth, id);
