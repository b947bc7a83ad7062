import type { MutationResolvers } from '../../../../generated/graphql';

export const deleteDeal: NonNullable<MutationResolvers['deleteDeal']> = (_parent, { id }, context) =>
  context.deals.remove(context.auth, id);
