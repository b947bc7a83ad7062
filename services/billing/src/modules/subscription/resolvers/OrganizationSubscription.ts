import type { OrganizationSubscriptionResolvers } from '../../../generated/graphql';
import { detailsOf } from '../domain/subscription';

export const OrganizationSubscription: OrganizationSubscriptionResolvers = {
  async plan(subscription, _args, { planById }) {
    const plan = await planById.load(subscription.planId);
    // plan_id is a foreign key: a subscription without its plan is broken data, not a caller's mistake.
    if (!plan) throw new Error(`subscription ${subscription.id} names unknown plan ${subscription.planId}`);
    return plan;
  },
  createdBy: (subscription) => (subscription.createdBy ? { id: subscription.createdBy } : null),
  externalSubscriptionId: (subscription) => subscription.externalReference,
  seatPriceMonthlyCents: (subscription) => subscription.state.plan.seatPriceMonthlyCents.toString(),
  currentPeriodStart: (subscription) => subscription.state.period.start,
  currentPeriodEnd: (subscription) => subscription.state.period.end,
  trialEndsAt: (subscription) => detailsOf(subscription.state).trialEndsAt,
  cancelAtPeriodEnd: (subscription) =>
    (subscription.state.status === 'active' || subscription.state.status === 'past_due') &&
    subscription.state.cancelAtPeriodEnd,
  canceledAt: (subscription) => detailsOf(subscription.state).canceledAt,
  cancellationReason: (subscription) => detailsOf(subscription.state).cancellationReason,
  expiresAt: (subscription) => detailsOf(subscription.state).expiresAt,
  scheduledPlan: async (subscription, _args, { planById }) => {
    const planId = detailsOf(subscription.state).scheduledPlanId;
    return planId === null ? null : planById.load(planId);
  },
  scheduledSeats: (subscription) => detailsOf(subscription.state).scheduledSeats,
  nextPaymentRetryAt: (subscription) => detailsOf(subscription.state).nextPaymentRetryAt,
  paymentRetries: (subscription) => detailsOf(subscription.state).paymentRetries,
  creditBalanceCents: (subscription) => subscription.state.creditBalanceCents.toString(),
};
