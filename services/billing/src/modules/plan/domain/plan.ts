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

export interface Plan {
  id: PlanId;
  name: string;
  description: string;
  /** Null means custom pricing. */
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
