import { z } from 'zod';
import { auditEntry } from './audit';
import { entry, timestamp, uuid } from './schema';

/** Events billing publishes, and the enums they carry (billing's domain uses these values). */

export const PLAN_IDS = ['free', 'basic', 'pro', 'enterprise'] as const;
/**
 * Plans priced per seat (every plan but Free): on them a member works only with a seat, and a member
 * without one reads but does not write. Billing decides seats by it and identity narrows principals by
 * it, so both read this one list.
 */
export const SEATED_PLAN_IDS: readonly (typeof PLAN_IDS)[number][] = ['basic', 'pro', 'enterprise'];
// The billing service's SubscriptionStatus enum (its spelling: canceled).
export const SUBSCRIPTION_STATUSES = ['pending', 'active', 'past_due', 'canceled', 'expired'] as const;
export const AI_INSIGHT_LEVELS = ['none', 'basic', 'advanced', 'custom'] as const;
export const API_ACCESS_LEVELS = ['read_only', 'full'] as const;
export const INTERACTION_TRACKING_LEVELS = ['limited', 'full'] as const;
export const SUPPORT_LEVELS = ['community', 'email', 'priority', 'dedicated'] as const;
/**
 * What billing meters (services/billing/README.md, "Usage"): gauges (contacts, custom fields, storage
 * bytes: how many there are) and counters (API calls, AI tokens, AI tasks: how many were used).
 */
export const USAGE_METRICS = [
  'contacts',
  'custom_fields',
  'storage_bytes',
  'api_calls',
  'ai_tokens',
  'ai_tasks',
] as const;
/** Percentages of a plan's limit whose crossing is announced (billing.usage.threshold_reached.v1). */
export const USAGE_THRESHOLDS = [80, 100] as const;

const limit = () => z.number().int().nonnegative().nullable();

const entitlements = z
  .object({
    contactLimit: limit().describe('Most contacts the organization may keep; null = unlimited.'),
    customFieldLimit: limit().describe('Most custom field definitions; null = unlimited.'),
    storageGb: limit().describe('Storage quota in GB; null = unlimited.'),
    aiInsights: z.enum(AI_INSIGHT_LEVELS),
    apiAccess: z.enum(API_ACCESS_LEVELS),
    interactionTracking: z.enum(INTERACTION_TRACKING_LEVELS),
    support: z.enum(SUPPORT_LEVELS),
  })
  .describe('What the plan entitles the organization to; services enforce their part locally.');

const subscriptionActivatedData = z
  .object({
    subscriptionId: uuid(),
    organizationId: uuid(),
    planId: z.enum(PLAN_IDS),
    status: z.enum(SUBSCRIPTION_STATUSES).describe('Subscription status after activation.'),
    startDate: timestamp().describe('When the subscription started.'),
    entitlements,
  })
  .describe("An organization's subscription became active; carries the plan's entitlements.");

const entitlementsChangedData = z
  .object({
    organizationId: uuid(),
    subscriptionId: uuid().describe('The subscription that grants them.'),
    planId: z.enum(PLAN_IDS).describe('The plan whose features the organization has now.'),
    status: z.enum(SUBSCRIPTION_STATUSES).describe('The subscription status that led to them.'),
    version: z
      .number()
      .int()
      .positive()
      .describe(
        'Grows by one with every change of the organization; a consumer keeps the highest it has seen and ignores older ones.',
      ),
    entitlements: entitlements.extend({
      seats: limit().describe('Most users holding a seat; null = unlimited.'),
    }),
    changedAt: timestamp(),
  })
  .describe(
    'What an organization is entitled to now: published on every change (start, activation, plan change, downgrade, cancel, revoke, reactivation).',
  );

const usageThresholdReachedData = z
  .object({
    organizationId: uuid(),
    metric: z
      .enum(USAGE_METRICS)
      .describe('What is metered: contacts, custom_fields or storage_bytes today.'),
    threshold: z.literal(USAGE_THRESHOLDS).describe('The percentage of the limit reached: 80 or 100.'),
    used: z
      .number()
      .int()
      .nonnegative()
      .describe('The usage that reached it (a count, or bytes for storage_bytes).'),
    limit: z
      .number()
      .int()
      .positive()
      .describe("The plan's limit for the metric, in the same unit as `used`."),
    planId: z.enum(PLAN_IDS).describe('The plan whose limit it is.'),
    reachedAt: timestamp().describe('When the change that reached it happened.'),
  })
  .describe(
    "An organization's usage of a metric reached 80 % or 100 % of its plan's limit. Published once per " +
      'crossing: again only after usage fell below the threshold or the limit changed.',
  );

export const SUBSCRIPTION_CHANGES = [
  'started',
  'activated',
  'renewed',
  'payment_failed',
  'payment_recovered',
  'plan_changed',
  'downgrade_scheduled',
  'downgrade_withdrawn',
  'cancel_scheduled',
  'cancel_withdrawn',
  'canceled',
  'reactivated',
  'expired',
  'replaced',
] as const;
export const INVOICE_STATUSES = ['draft', 'open', 'paid', 'void', 'uncollectible'] as const;
export const INVOICE_KINDS = ['first_period', 'renewal', 'proration', 'reactivation'] as const;

const cents = () =>
  z
    .string()
    .regex(/^-?(0|[1-9][0-9]*)$/)
    .describe('An amount in minor units (cents), as a decimal string: exact beyond 2^53.');

const subscriptionUpdatedData = z
  .object({
    subscriptionId: uuid(),
    organizationId: uuid(),
    change: z.enum(SUBSCRIPTION_CHANGES).describe('What happened.'),
    planId: z.enum(PLAN_IDS),
    status: z.enum(SUBSCRIPTION_STATUSES).describe('The status after the change.'),
    previousStatus: z.enum(SUBSCRIPTION_STATUSES).nullable().describe('Null for a new subscription.'),
    billingCycle: z.enum(['monthly', 'annual']),
    seats: z.number().int().positive(),
    cancelAtPeriodEnd: z.boolean(),
    trialEndsAt: timestamp().nullable(),
    currentPeriodStart: timestamp(),
    currentPeriodEnd: timestamp(),
    at: timestamp().describe('When it happened, on billing’s clock.'),
  })
  .describe(
    'A subscription changed: started, activated, renewed, failed a payment, changed plan, was canceled, reactivated or expired.',
  );

const invoiceData = z.object({
  invoiceId: uuid(),
  organizationId: uuid(),
  subscriptionId: uuid(),
  number: z.string().describe('INV-000001, per organization.'),
  kind: z.enum(INVOICE_KINDS),
  status: z.enum(INVOICE_STATUSES),
  currency: z.string().describe('ISO 4217, upper case.'),
  totalCents: cents(),
  amountDueCents: cents(),
  at: timestamp(),
});
/** Why a seat assignment ended (billing's SeatReleaseCause; free-text reasons stay in billing). */
export const SEAT_RELEASE_CAUSES = [
  'unassigned',
  'user_deactivated',
  'user_suspended',
  'user_deleted',
  'subscription_ended',
] as const;

const seatPicture = {
  version: z
    .number()
    .int()
    .positive()
    .describe(
      'Grows by one with every seat change of the organization; a consumer keeps, per user, the highest it has applied and ignores older ones.',
    ),
  seatsAssigned: z.number().int().nonnegative().describe('Seats held after the change.'),
  seatsLimit: limit().describe('Most seats the subscription allows; null = unlimited.'),
};

const seatAssignedData = z
  .object({
    organizationId: uuid(),
    subscriptionId: uuid().describe('The organization subscription the seat belongs to.'),
    assignmentId: uuid().describe('The seat assignment (spec 000 UserSubscriptionAssignment).'),
    userId: uuid().describe('The user who holds the seat now.'),
    assignedById: uuid().nullable().describe('Who assigned it; null when the platform did.'),
    assignedAt: timestamp(),
    ...seatPicture,
  })
  .describe('A user was given a seat of the organization’s subscription.');

const seatUnassignedData = z
  .object({
    organizationId: uuid(),
    subscriptionId: uuid(),
    assignmentId: uuid(),
    userId: uuid().describe('The user who no longer holds the seat.'),
    cause: z
      .enum(SEAT_RELEASE_CAUSES)
      .describe('Why the seat was released (the free-text reason stays in billing).'),
    deactivatedById: uuid().nullable().describe('Who released it; null when the platform did (user events).'),
    deactivatedAt: timestamp(),
    ...seatPicture,
  })
  .describe('A user’s seat was released: unassigned, or the user was deactivated, suspended or deleted.');

export const billingEvents = {
  'billing.subscription.updated.v1': entry(
    'billing.subscription.updated.v1',
    'billing.subscription',
    'A subscription changed (every lifecycle step). Published by billing.',
    subscriptionUpdatedData,
  ),
  'billing.invoice.issued.v1': entry(
    'billing.invoice.issued.v1',
    'billing.invoice',
    'An invoice was finalized: numbered, rendered, open (or paid at once when nothing is due). Published by billing.',
    invoiceData.describe('An invoice was issued.'),
  ),
  'billing.invoice.status_changed.v1': entry(
    'billing.invoice.status_changed.v1',
    'billing.invoice',
    'An invoice was paid, voided or marked uncollectible. Published by billing.',
    invoiceData
      .extend({ previousStatus: z.enum(INVOICE_STATUSES), reason: z.string().nullable() })
      .describe("An invoice's status changed."),
  ),
  'billing.entitlements.changed.v1': entry(
    'billing.entitlements.changed.v1',
    'billing.entitlements',
    "An organization's entitlements changed; every service keeps a local copy and enforces its part. Published by billing.",
    entitlementsChangedData,
  ),
  'billing.subscription.activated.v1': entry(
    'billing.subscription.activated.v1',
    'billing.subscription',
    "An organization's subscription was activated, with the plan's entitlements. Published by billing.",
    subscriptionActivatedData,
  ),
  'billing.usage.threshold_reached.v1': entry(
    'billing.usage.threshold_reached.v1',
    'billing.usage',
    "An organization's usage reached 80 % or 100 % of a plan limit; automation notifies its admins. Published by billing.",
    usageThresholdReachedData,
  ),
  'billing.seat.assigned.v1': entry(
    'billing.seat.assigned.v1',
    'billing.seat',
    'A user was given a seat of the organization’s subscription. Published by billing.',
    seatAssignedData,
  ),
  'billing.seat.unassigned.v1': entry(
    'billing.seat.unassigned.v1',
    'billing.seat',
    'A user’s seat was released (unassigned, or the user was deactivated, suspended or deleted). Published by billing.',
    seatUnassignedData,
  ),
  'billing.audit.recorded.v1': auditEntry('billing'),
} as const;
