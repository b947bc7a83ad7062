import type { MutationResolvers } from '../../../../generated/graphql';

export const createDeal: NonNullable<MutationResolvers['createDeal']> = (_parent, { input }, context) =>
  context.deals.create(context.auth, input);
