/** Subscriptions: the stored record around the lifecycle state, and the events it implies. No Prisma or GraphQL here. */
import {
  createEvent,
  SUBSCRIPTION_STATUSES,
  type CloudEvent,
  type EventData,
} from '@platform/events/catalog';
import { enumObject } from '@platform/domain';
import { PlanId } from '../../plan/domain/plan';
import type { SubscriptionState } from './lifecycle';

/** Lifecycle of a subscription: pending → active → past_due or canceled → expired. */
export const SubscriptionStatus = enumObject(SUBSCRIPTION_STATUSES);
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** How often a subscription is billed (no event carries it, so the list is written here). */
export const BILLING_CYCLES = ['monthly', 'annual'] as const;
export const BillingCycle = enumObject(BILLING_CYCLES);
export type BillingCycle = (typeof BILLING_CYCLES)[number];

/** A subscription as stored: who and when around the lifecycle state, which holds everything else. */
export interface Subscription {
  id: string;
  organizationId: string;
  planId: PlanId;
  status: SubscriptionStatus;
  billingCycle: BillingCycle;
  /** The seats paid for (every subscription has a number; unlimited plans are priced per seat too). */
  seatsLimit: number | null;
  startDate: Date;
  /** When it ended (canceled or expired), or will end (canceling at the period's end); null while it runs on. */
  endDate: Date | null;
  /** The user who started it; null when the platform provisioned it (Free at sign-up). */
  createdBy: string | null;
  /**
   * The payment provider's id of its subscription (spec 000's external subscription id), once the
   * provider holds one: the payment dispatcher registers it after the subscription starts and the
   * organization has a customer at the provider (`payment/infra/provider-subscriptions.ts`).
   */
  externalReference: string | null;
  /** ISO 4217, upper case: what it is priced and invoiced in (the organization's billing currency). */
  currency: string;
  metadata: Record<string, string>;
  state: SubscriptionState;
  /** When the record was stored, and last changed (the database's time: records, not business time). */
  createdAt: Date;
  updatedAt: Date;
}

export const EVENT_SOURCE = '/services/billing';

export type SubscriptionActivated = CloudEvent<
  'billing.subscription.activated.v1',
  EventData<'billing.subscription.activated.v1'>
>;
export type SubscriptionUpdated = CloudEvent<
  'billing.subscription.updated.v1',
  EventData<'billing.subscription.updated.v1'>
>;
export type SubscriptionChange = EventData<'billing.subscription.updated.v1'>['change'];

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

/** The record's columns that copy parts of the state (they are always written together). */
export function withState(subscription: Subscription, state: SubscriptionState): Subscription {
  return {
    ...subscription,
    planId: state.plan.id,
    status: state.status,
    billingCycle: state.cycle,
    seatsLimit: state.seats,
    endDate: endDateOf(state),
    state,
  };
}

function endDateOf(state: SubscriptionState): Date | null {
  switch (state.status) {
    case 'pending':
      return null;
    case 'active':
      return state.cancelAtPeriodEnd ? state.period.end : null;
    case 'past_due':
      return state.cancelAtPeriodEnd ? state.period.end : null;
    case 'canceled':
      return state.canceledAt;
    case 'expired':
      return state.expiredAt;
  }
}

/** billing.subscription.activated.v1: the subscription grants its plan from `at`. */
export function subscriptionActivated(subscription: Subscription, at: Date): SubscriptionActivated {
  return createEvent('billing.subscription.activated.v1', {
    source: EVENT_SOURCE,
    subject: subscription.id,
    tenantId: subscription.organizationId,
    time: at,
    data: {
      subscriptionId: subscription.id,
      organizationId: subscription.organizationId,
      planId: subscription.planId,
      status: subscription.status,
      startDate: subscription.startDate.toISOString(),
      entitlements: subscription.state.plan.entitlements,
    },
  });
}

/** billing.subscription.updated.v1 for one lifecycle step. */
export function subscriptionUpdated(
  subscription: Subscription,
  change: SubscriptionChange,
  previousStatus: SubscriptionStatus | null,
  at: Date,
): SubscriptionUpdated {
  const { state } = subscription;
  return createEvent('billing.subscription.updated.v1', {
    source: EVENT_SOURCE,
    subject: subscription.id,
    tenantId: subscription.organizationId,
    time: at,
    data: {
      subscriptionId: subscription.id,
      organizationId: subscription.organizationId,
      change,
      planId: state.plan.id,
      status: state.status,
      previousStatus,
      billingCycle: state.cycle,
      seats: state.seats,
      cancelAtPeriodEnd: cancelsAtPeriodEnd(state),
      trialEndsAt: state.status === 'active' && state.trialEndsAt ? state.trialEndsAt.toISOString() : null,
      currentPeriodStart: state.period.start.toISOString(),
      currentPeriodEnd: state.period.end.toISOString(),
      at: at.toISOString(),
    },
  });
}

export function cancelsAtPeriodEnd(state: SubscriptionState): boolean {
  return (state.status === 'active' || state.status === 'past_due') && state.cancelAtPeriodEnd;
}

/** What the graph shows of a state beyond the record's columns. */
export interface SubscriptionDetails {
  trialEndsAt: Date | null;
  canceledAt: Date | null;
  cancellationReason: 'requested' | 'payment_failed' | null;
  /** The reactivation window's end (canceled) or the payment window's (pending). */
  expiresAt: Date | null;
  scheduledPlanId: PlanId | null;
  scheduledSeats: number | null;
  nextPaymentRetryAt: Date | null;
  paymentRetries: number;
}

export function detailsOf(state: SubscriptionState): SubscriptionDetails {
  const none: SubscriptionDetails = {
    trialEndsAt: null,
    canceledAt: null,
    cancellationReason: null,
    expiresAt: null,
    scheduledPlanId: null,
    scheduledSeats: null,
    nextPaymentRetryAt: null,
    paymentRetries: 0,
  };
  switch (state.status) {
    case 'pending':
      return { ...none, expiresAt: state.expiresAt };
    case 'active':
      return {
        ...none,
        trialEndsAt: state.trialEndsAt,
        scheduledPlanId: state.pendingChange?.plan.id ?? null,
        scheduledSeats: state.pendingChange?.seats ?? null,
      };
    case 'past_due':
      return {
        ...none,
        nextPaymentRetryAt: state.dunning.retryInFlight ? null : state.dunning.nextRetryAt,
        paymentRetries: state.dunning.retriesDone,
      };
    case 'canceled':
      return {
        ...none,
        canceledAt: state.canceledAt,
        cancellationReason: state.cancellation,
        expiresAt: state.expiresAt,
      };
    case 'expired':
      return none;
  }
}
