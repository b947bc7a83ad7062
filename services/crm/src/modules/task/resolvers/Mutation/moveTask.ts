import type { MutationResolvers } from '../../../../generated/graphql';

export const moveTask: NonNullable<MutationResolvers['moveTask']> = (_parent, { id, position }, context) =>
  context.tasks.move(context.auth, id, position);
