/**
 * The provider-side subscription of an organization subscription (spec 000's external subscription id,
 * `externalReference`). Billing runs the lifecycle and issues the invoices itself; the provider's
 * subscription is the reference a provider account shows for the customer, kept in step with billing's:
 * registered while billing's subscription is live and costs something and the organization has a
 * customer at the provider, canceled there once it is over or costs nothing. The calls are made after
 * the transactions that change subscriptions commit (the payment dispatcher's sync), never inside one.
 * No Prisma or GraphQL here.
 */
import type { SUBSCRIPTION_STATUSES } from '@platform/events/catalog';

type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** Billing's statuses in which the provider keeps a subscription for it (those not over). */
const LIVE: readonly SubscriptionStatus[] = ['pending', 'active', 'past_due'];

/** What the sync reads of an organization subscription. */
export interface SubscriptionAtProvider {
  id: string;
  organizationId: string;
  planId: string;
  status: SubscriptionStatus;
  seatPriceMonthlyCents: bigint;
  /** The provider's id of its subscription; null before the first one. */
  externalReference: string | null;
  /** Which provider that id belongs to. */
  externalProvider: string | null;
  /** When the provider-side subscription was canceled; null while it runs. */
  externalCanceledAt: Date | null;
}

export type ProviderSubscriptionAction =
  | {
      type: 'create';
      customerId: string;
      metadata: Readonly<Record<string, string>>;
      idempotencyKey: string;
    }
  | { type: 'cancel'; externalReference: string }
  | null;

/**
 * What the provider should be asked to do for this subscription, or null when the two agree (or
 * nothing can be done yet: no customer at this provider to hold it).
 */
export function providerSubscriptionAction(
  subscription: SubscriptionAtProvider,
  customer: { provider: string; customerId: string } | null,
  providerName: string,
): ProviderSubscriptionAction {
  const wanted = LIVE.includes(subscription.status) && subscription.seatPriceMonthlyCents > 0n;
  const reference = subscription.externalReference;
  const running = reference !== null && subscription.externalCanceledAt === null;
  if (wanted && !running) {
    if (customer?.provider !== providerName) return null;
    return {
      type: 'create',
      customerId: customer.customerId,
      metadata: {
        organizationId: subscription.organizationId,
        subscriptionId: subscription.id,
        planId: subscription.planId,
      },
      idempotencyKey: subscriptionIdempotencyKey(subscription, customer.customerId),
    };
  }
  if (!wanted && reference !== null && running && subscription.externalProvider === providerName) {
    return { type: 'cancel', externalReference: reference };
  }
  return null;
}

/**
 * One key per provider-side subscription billing means to create: the subscription, the customer that
 * holds it (a replaced customer gets a new one) and the one it follows (a reactivation after the last was
 * canceled gets a new one). A retry after a lost answer, or two replicas at once, get the same one.
 */
export function subscriptionIdempotencyKey(
  subscription: Pick<SubscriptionAtProvider, 'id' | 'externalReference'>,
  customerId: string,
): string {
  const after = subscription.externalReference === null ? '' : `:after:${subscription.externalReference}`;
  return `subscription:${subscription.id}:${customerId}${after}`;
}
