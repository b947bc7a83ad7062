import type { MutationResolvers } from '../../../../generated/graphql';

export const updateDeal: NonNullable<MutationResolvers['updateDeal']> = (
  _parent,
  { id, expectedVersion, input },
  context,
) => context.deals.update(context.auth, id, expectedVersion, input);
