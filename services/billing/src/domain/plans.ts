/** Plans, their feature matrix, and the subscription lifecycle. No Prisma or GraphQL types here. */

export const PLAN_IDS = ['free', 'basic', 'pro', 'enterprise'] as const;
export type PlanId = (typeof PLAN_IDS)[number];

export type AiInsightsLevel = 'none' | 'basic' | 'advanced' | 'custom';
export type ApiAccessLevel = 'read_only' | 'full';
export type InteractionTrackingLevel = 'limited' | 'full';
export type SupportLevel = 'community' | 'email' | 'priority' | 'dedicated';

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
  id: string;
  name: string;
  description: string;
  seatPriceMonthlyCents: number | null;
  defaultSeats: number | null;
  features: PlanFeatures;
}

export const SUBSCRIPTION_STATUSES = ['pending', 'active', 'past_due', 'canceled', 'expired'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export interface OrganizationSubscription {
  id: string;
  organizationId: string;
  planId: string;
  status: SubscriptionStatus;
  billingCycle: 'monthly' | 'annual';
  seatsLimit: number | null;
  startDate: Date;
  endDate: Date | null;
}

/** Every organization starts on Free (EMMA: provisioning → active; Free needs no payment). */
export const SIGN_UP_PLAN: PlanId = 'free';

/** Subscriptions that grant their plan's features right now. */
export function grantsAccess(subscription: Pick<OrganizationSubscription, 'status'>): boolean {
  return subscription.status === 'active' || subscription.status === 'past_due';
}

/** The entitlements other services receive (billing.subscription.activated.v1). */
export function entitlements(plan: Plan): PlanFeatures {
  return { ...plan.features };
}
