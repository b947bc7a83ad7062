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

export const BASIC: Plan = {
  id: 'basic',
  name: 'Basic',
  description: 'For growing teams',
  seatPriceMonthlyCents: 2900,
  defaultSeats: 10,
  features: {
    contactLimit: 1000,
    customFieldLimit: 20,
    storageGb: 10,
    aiInsights: 'basic',
    apiAccess: 'full',
    interactionTracking: 'full',
    support: 'email',
  },
};
export const PRO: Plan = {
  id: 'pro',
  name: 'Professional',
  description: 'For established businesses',
  seatPriceMonthlyCents: 9900,
  defaultSeats: 50,
  features: {
    contactLimit: 10000,
    customFieldLimit: 100,
    storageGb: 100,
    aiInsights: 'advanced',
    apiAccess: 'full',
    interactionTracking: 'full',
    support: 'priority',
  },
};
