import type { MutationResolvers } from '../../../../generated/graphql';

export const reopenTask: NonNullable<MutationResolvers['reopenTask']> = (_parent, { id }, context) =>
  context.tasks.reopen(context.auth, id);
