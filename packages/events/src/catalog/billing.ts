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
