import type { BillingContext } from '../context';
import type { OrganizationSubscription as Subscription, Plan } from '../domain/plans';

export const OrganizationSubscription = {
  async plan(subscription: Subscription, _args: unknown, context: BillingContext): Promise<Plan> {
    const plan = await context.planById.load(subscription.planId);
    if (!plan) throw new Error(`subscription ${subscription.id} names unknown plan ${subscription.planId}`);
    return plan;
  },
};
