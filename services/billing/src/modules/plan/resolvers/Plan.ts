import type { PlanResolvers } from '../../../generated/graphql';

export const Plan: PlanResolvers = {
  /** Plans are global: an unknown id (not a plan code) resolves to null. */
  __resolveReference: (reference, { planById }) => planById.load(reference.id),
  prices: (plan, _args, { planPricesByPlanId }) => planPricesByPlanId.load(plan.id),
};
