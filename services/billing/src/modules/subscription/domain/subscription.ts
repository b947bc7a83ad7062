/** Subscriptions: their lifecycle and the events they imply. No Prisma or GraphQL here. */
import {
  createEvent,
  SUBSCRIPTION_STATUSES,
  type CloudEvent,
  type EventData,
} from '@platform/events/catalog';
import { enumObject } from '@platform/domain';
import { entitlements, PlanId, type Plan } from '../../plan/domain/plan';

/** Lifecycle of a subscription: pending → active → past_due or canceled → expired. */
export const SubscriptionStatus = enumObject(SUBSCRIPTION_STATUSES);
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** How often a subscription is billed (no event carries it, so the list is written here). */
export const BILLING_CYCLES = ['monthly', 'annual'] as const;
export const BillingCycle = enumObject(BILLING_CYCLES);
export type BillingCycle = (typeof BILLING_CYCLES)[number];

export interface Subscription {
  id: string;
  organizationId: string;
  planId: PlanId;
  status: SubscriptionStatus;
  billingCycle: BillingCycle;
  /** Null means unlimited seats. */
  seatsLimit: number | null;
  startDate: Date;
  endDate: Date | null;
}

export const EVENT_SOURCE = '/services/billing';

export type SubscriptionActivated = CloudEvent<
  'billing.subscription.activated.v1',
  EventData<'billing.subscription.activated.v1'>
>;

/** Every organization starts on Free (EMMA: provisioning → active; Free needs no payment). */
export const SIGN_UP_PLAN: PlanId = PlanId.free;

/** Statuses of a subscription that is not over: an organization has at most one of these. */
export const LIVE_STATUSES: readonly SubscriptionStatus[] = [
  SubscriptionStatus.pending,
  SubscriptionStatus.active,
  SubscriptionStatus.past_due,
];

/** Subscriptions that grant their plan's features right now. */
export function grantsAccess(subscription: Pick<Subscription, 'status'>): boolean {
  return (
    subscription.status === SubscriptionStatus.active || subscription.status === SubscriptionStatus.past_due
  );
}

/**
 * A subscription to `plan` that is active from `at`, billed monthly with the plan's seats, and the
 * event that tells the other services what the organization is now entitled to.
 */
export function activateSubscription(
  ids: { id: string; organizationId: string },
  plan: Plan,
  at: Date,
): { subscription: Subscription; events: [SubscriptionActivated] } {
  const subscription: Subscription = {
    id: ids.id,
    organizationId: ids.organizationId,
    planId: plan.id,
    status: SubscriptionStatus.active,
    billingCycle: BillingCycle.monthly,
    seatsLimit: plan.defaultSeats,
    startDate: at,
    endDate: null,
  };
  return { subscription, events: [subscriptionActivated(subscription, plan)] };
}

function subscriptionActivated(subscription: Subscription, plan: Plan): SubscriptionActivated {
  return createEvent('billing.subscription.activated.v1', {
    source: EVENT_SOURCE,
    subject: subscription.id,
    tenantId: subscription.organizationId,
    time: subscription.startDate,
    data: {
      subscriptionId: subscription.id,
      organizationId: subscription.organizationId,
      planId: subscription.planId,
      status: subscription.status,
      startDate: subscription.startDate.toISOString(),
      entitlements: entitlements(plan),
    },
  });
}
