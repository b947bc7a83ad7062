import type { MutationResolvers } from '../../../../generated/graphql';

export const restoreDeal: NonNullable<MutationResolvers['restoreDeal']> = (_parent, { id }, context) =>
  context.deals.restore(context.auth, id);
