import type { BillingInfoResolvers } from '../../../generated/graphql';

export const BillingInfo: BillingInfoResolvers = {
  currencyFixed: (info) => info.currencyFixedAt !== null,
};
