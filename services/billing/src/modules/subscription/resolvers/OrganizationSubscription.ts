import type { OrganizationSubscriptionResolvers } from '../../../generated/graphql';

export const OrganizationSubscription: OrganizationSubscriptionResolvers = {
  async plan(subscription, _args, { planById }) {
    const plan = await planById.load(subscription.planId);
    // plan_id is a foreign key: a subscription without its plan is broken data, not a caller's mistake.
    if (!plan) throw new Error(`subscription ${subscription.id} names unknown plan ${subscription.planId}`);
    return plan;
  },
};
