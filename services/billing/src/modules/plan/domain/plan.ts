/** Plans and their feature matrix (EMMA's subscription plans). No Prisma or GraphQL here. */
import {
  AI_INSIGHT_LEVELS,
  API_ACCESS_LEVELS,
  INTERACTION_TRACKING_LEVELS,
  PLAN_IDS,
  SUPPORT_LEVELS,
  type EventData,
} from '@platform/events/catalog';
import { enumObject } from '@platform/domain';

/** Stable plan codes. Plans are data (rows written by the migrations); their ids are a contract. */
export const PlanId = enumObject(PLAN_IDS);
export type PlanId = (typeof PLAN_IDS)[number];

export const AiInsightsLevel = enumObject(AI_INSIGHT_LEVELS);
export type AiInsightsLevel = (typeof AI_INSIGHT_LEVELS)[number];

export const ApiAccessLevel = enumObject(API_ACCESS_LEVELS);
export type ApiAccessLevel = (typeof API_ACCESS_LEVELS)[number];

export const InteractionTrackingLevel = enumObject(INTERACTION_TRACKING_LEVELS);
export type InteractionTrackingLevel = (typeof INTERACTION_TRACKING_LEVELS)[number];

export const SupportLevel = enumObject(SUPPORT_LEVELS);
export type SupportLevel = (typeof SUPPORT_LEVELS)[number];

/** What a plan includes. A null limit means unlimited. */
export interface PlanFeatures {
  contactLimit: number | null;
  customFieldLimit: number | null;
  storageGb: number | null;
  aiInsights: AiInsightsLevel;
  apiAccess: ApiAccessLevel;
  interactionTracking: InteractionTrackingLevel;
  support: SupportLevel;
}

/** A plan's seat price per month in one currency (minor units). */
export interface PlanPrice {
  /** ISO 4217, upper case. */
  currency: string;
  seatPriceMonthlyMinor: number;
}

export interface Plan {
  id: PlanId;
  name: string;
  description: string;
  /** The US dollar list price in cents; null means custom pricing. */
  seatPriceMonthlyCents: number | null;
  /** Seats a new subscription includes; null means unlimited. */
  defaultSeats: number | null;
  features: PlanFeatures;
}

export function isPlanId(value: string): value is PlanId {
  return (PLAN_IDS as readonly string[]).includes(value);
}

/** What other services receive with billing.subscription.activated.v1 and enforce locally. */
export type Entitlements = EventData<'billing.subscription.activated.v1'>['entitlements'];

export function entitlements(plan: Plan): Entitlements {
  return { ...plan.features };
}

/**
 * The plan as an organization billed in `currency` buys it: its seat price is that currency's list
 * price (minor units), or null for custom pricing. A listed plan without a price in that currency is
 * broken data (the migrations list every plan in every invoicing currency).
 */
export function pricedIn(plan: Plan, prices: readonly PlanPrice[], currency: string): Plan {
  if (plan.seatPriceMonthlyCents === null) return plan;
  const price = prices.find((entry) => entry.currency === currency);
  if (!price) throw new Error(`plan ${plan.id} has no price in ${currency}`);
  return { ...plan, seatPriceMonthlyCents: price.seatPriceMonthlyMinor };
}
