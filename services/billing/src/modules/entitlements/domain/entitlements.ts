/**
 * Entitlements: what an organization may use right now (its plan's features and its seats), published
 * to every service as billing.entitlements.changed.v1 with a version that grows by one per
 * organization, so consumers keep the newest whatever order events arrive in. No Prisma or GraphQL here.
 */
import {
  createEvent,
  type CloudEvent,
  type EventData,
  type SUBSCRIPTION_STATUSES,
} from '@platform/events/catalog';
import type { PlanFeatures, PlanId } from '../../plan/domain/plan';

const EVENT_SOURCE = '/services/billing';

type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** The plan's features and the subscription's seats, as the event carries them. A null limit is unlimited. */
export type EntitlementSet = EventData<'billing.entitlements.changed.v1'>['entitlements'];

/** What changed, as the subscription lifecycle tells it (`at` on billing's clock). */
export interface EntitlementsChange {
  organizationId: string;
  /** The subscription that grants them. */
  subscriptionId: string;
  /** The plan whose features the organization has now (Free's after premium features are revoked). */
  planId: PlanId;
  /** The subscription status that led to them. */
  status: SubscriptionStatus;
  entitlements: EntitlementSet;
  at: Date;
}

/** An organization's entitlements as billing last published them. */
export interface OrganizationEntitlements {
  organizationId: string;
  /** 1 for the first publication, then one more with every change. */
  version: number;
  subscriptionId: string;
  planId: PlanId;
  status: SubscriptionStatus;
  entitlements: EntitlementSet;
  changedAt: Date;
}

export type EntitlementsChanged = CloudEvent<
  'billing.entitlements.changed.v1',
  EventData<'billing.entitlements.changed.v1'>
>;

/** A plan's features with a subscription's seats (null = unlimited). */
export function entitlementsOf(features: PlanFeatures, seats: number | null): EntitlementSet {
  return { ...features, seats };
}

/**
 * The event that tells every service what the organization is entitled to now: keyed by the
 * organization (one partition keeps an organization's changes in order), timed when the change happened.
 */
export function entitlementsChanged(current: OrganizationEntitlements): EntitlementsChanged {
  return createEvent('billing.entitlements.changed.v1', {
    source: EVENT_SOURCE,
    subject: current.organizationId,
    tenantId: current.organizationId,
    time: current.changedAt,
    data: {
      organizationId: current.organizationId,
      subscriptionId: current.subscriptionId,
      planId: current.planId,
      status: current.status,
      version: current.version,
      entitlements: { ...current.entitlements },
      changedAt: current.changedAt.toISOString(),
    },
  });
}
