/**
 * The lifecycle state as stored in `organization_subscriptions.state` (JSONB): dates as ISO strings,
 * money (bigint cents) as decimal strings so no amount passes through a float. Parsed back with zod:
 * a row that does not parse is broken data, reported as such.
 */
import { z } from 'zod';
import {
  AI_INSIGHT_LEVELS,
  API_ACCESS_LEVELS,
  INTERACTION_TRACKING_LEVELS,
  PLAN_IDS,
  SUPPORT_LEVELS,
} from '@platform/events/catalog';
import { CANCELLATION_REASONS, type SubscriptionState } from '../domain/lifecycle';
import { BILLING_CYCLES } from '../domain/subscription';

const date = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
const cents = z
  .string()
  .regex(/^-?(0|[1-9][0-9]*)$/)
  .transform((value) => BigInt(value));
const limit = z.number().int().nonnegative().nullable();

const plan = z.object({
  id: z.enum(PLAN_IDS),
  name: z.string(),
  seatPriceMonthlyCents: cents,
  entitlements: z.object({
    contactLimit: limit,
    customFieldLimit: limit,
    storageGb: limit,
    aiInsights: z.enum(AI_INSIGHT_LEVELS),
    apiAccess: z.enum(API_ACCESS_LEVELS),
    interactionTracking: z.enum(INTERACTION_TRACKING_LEVELS),
    support: z.enum(SUPPORT_LEVELS),
  }),
});
const openInvoice = z.object({ id: z.uuid(), amountDueCents: cents });
const terms = {
  plan,
  seats: z.number().int().positive(),
  cycle: z.enum(BILLING_CYCLES),
  anchor: date,
  period: z.object({ start: date, end: date }),
  creditBalanceCents: cents,
};

const stateSchema = z.discriminatedUnion('status', [
  z.object({ ...terms, status: z.literal('pending'), invoice: openInvoice, expiresAt: date }),
  z.object({
    ...terms,
    status: z.literal('active'),
    trialEndsAt: date.nullable(),
    cancelAtPeriodEnd: z.boolean(),
    pendingChange: z.object({ plan, seats: z.number().int().positive() }).nullable(),
    openInvoice: openInvoice.nullable(),
  }),
  z.object({
    ...terms,
    status: z.literal('past_due'),
    cancelAtPeriodEnd: z.boolean(),
    dunning: z.object({
      invoice: openInvoice,
      failedAt: date,
      retriesDone: z.number().int().nonnegative(),
      nextRetryAt: date,
      retryInFlight: z.boolean(),
    }),
  }),
  z.object({
    ...terms,
    status: z.literal('canceled'),
    canceledAt: date,
    cancellation: z.enum(CANCELLATION_REASONS),
    expiresAt: date,
  }),
  z.object({ ...terms, status: z.literal('expired'), expiredAt: date }),
]);

/** A JSON value, as PostgreSQL's jsonb stores it. */
export type Json = string | number | boolean | null | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function parseState(stored: unknown, subscriptionId: string): SubscriptionState {
  const parsed = stateSchema.safeParse(stored);
  if (!parsed.success) {
    throw new Error(
      `subscription ${subscriptionId} has a state that does not parse: ${parsed.error.message}`,
    );
  }
  return parsed.data;
}

/** Bigints as decimal strings, dates as ISO strings, everything else as JSON has it. */
function toJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') {
    const result: { [key: string]: Json } = {};
    for (const [key, entry] of Object.entries(value)) result[key] = toJson(entry);
    return result;
  }
  throw new TypeError(`a subscription state holds a ${typeof value}, which JSON cannot`);
}

/** The state as stored; refused before it is written if it would not read back. */
export function serializeState(state: SubscriptionState, subscriptionId: string): JsonObject {
  const result: JsonObject = {};
  for (const [key, entry] of Object.entries(state)) result[key] = toJson(entry);
  parseState(result, subscriptionId);
  return result;
}
