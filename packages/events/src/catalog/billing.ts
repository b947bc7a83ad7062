import { z } from 'zod';
import { auditEntry } from './audit';
import { entry, timestamp, uuid } from './schema';

/** Events billing publishes, and the enums they carry (billing's domain uses these values). */

export const PLAN_IDS = ['free', 'basic', 'pro', 'enterprise'] as const;
// The billing service's SubscriptionStatus enum (its spelling: canceled).
export const SUBSCRIPTION_STATUSES = ['pending', 'active', 'past_due', 'canceled', 'expired'] as const;
export const AI_INSIGHT_LEVELS = ['none', 'basic', 'advanced', 'custom'] as const;
export const API_ACCESS_LEVELS = ['read_only', 'full'] as const;
export const INTERACTION_TRACKING_LEVELS = ['limited', 'full'] as const;
export const SUPPORT_LEVELS = ['community', 'email', 'priority', 'dedicated'] as const;

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
    "What an organization is entitled to now: published on every change (start, activation, plan change, downgrade, cancel, revoke, reactivation).",
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
  .describe("A subscription changed: started, activated, renewed, failed a payment, changed plan, was canceled, reactivated or expired.");

const invoiceData = z.object({
  invoiceId: uuid(),
  organizationId: uuid(),
  subscriptionId: uuid(),
  number: z.string().describe('INV-000001, per organization.'),
  kind: z.enum(INVOICE_KINDS),
  status: z.enum(INVOICE_STATUSES),
  currency: z.string().describe('ISO 4217, lower case.'),
  totalCents: cents(),
  amountDueCents: cents(),
  at: timestamp(),
});

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
  'billing.audit.recorded.v1': auditEntry('billing'),
} as const;
