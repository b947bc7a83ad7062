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

export const billingEvents = {
  'billing.subscription.activated.v1': entry(
    'billing.subscription.activated.v1',
    'billing.subscription',
    "An organization's subscription was activated, with the plan's entitlements. Published by billing.",
    subscriptionActivatedData,
  ),
  'billing.audit.recorded.v1': auditEntry('billing'),
} as const;
