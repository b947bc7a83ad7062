import type { MutationResolvers } from '../../../../generated/graphql';

export const updateBillingInfo: NonNullable<MutationResolvers['updateBillingInfo']> = (
  _parent,
  { input },
  context,
) => context.billingInfo.update(context.auth, input);
