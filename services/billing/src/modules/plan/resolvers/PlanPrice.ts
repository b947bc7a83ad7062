import type { PlanPriceResolvers } from '../../../generated/graphql';

export const PlanPrice: PlanPriceResolvers = {
  seatPriceMonthlyMinor: (price) => String(price.seatPriceMonthlyMinor),
};
