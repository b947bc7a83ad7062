import type { EntitlementsResolvers } from '../../../generated/graphql';

export const Entitlements: EntitlementsResolvers = {
  async plan(current, _args, { planById }) {
    const plan = await planById.load(current.planId);
    // Plan ids are the catalog's and the plans table holds them all: a miss is broken data.
    if (!plan)
      throw new Error(`entitlements of ${current.organizationId} name unknown plan ${current.planId}`);
    return plan;
  },
  contactLimit: (current) => current.entitlements.contactLimit,
  customFieldLimit: (current) => current.entitlements.customFieldLimit,
  storageGb: (current) => current.entitlements.storageGb,
  aiInsights: (current) => current.entitlements.aiInsights,
  apiAccess: (current) => current.entitlements.apiAccess,
  interactionTracking: (current) => current.entitlements.interactionTracking,
  support: (current) => current.entitlements.support,
  seats: (current) => current.entitlements.seats,
};
