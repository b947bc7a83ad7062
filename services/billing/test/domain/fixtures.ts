import type { Plan } from '../../src/modules/plan/domain/plan';

/** The Free plan as the migrations write it. */
export const FREE: Plan = {
  id: 'free',
  name: 'Free',
  description: 'Limited access for small teams',
  seatPriceMonthlyCents: 0,
  defaultSeats: 3,
  features: {
    contactLimit: 100,
    customFieldLimit: 5,
    storageGb: 1,
    aiInsights: 'none',
    apiAccess: 'read_only',
    interactionTracking: 'limited',
    support: 'community',
  },
};

/** The Enterprise plan: custom pricing, unlimited everything. */
export const ENTERPRISE: Plan = {
  id: 'enterprise',
  name: 'Enterprise',
  description: 'For large organizations',
  seatPriceMonthlyCents: null,
  defaultSeats: null,
  features: {
    contactLimit: null,
    customFieldLimit: null,
    storageGb: null,
    aiInsights: 'custom',
    apiAccess: 'full',
    interactionTracking: 'full',
    support: 'dedicated',
  },
};
