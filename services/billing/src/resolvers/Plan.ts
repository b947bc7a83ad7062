import type { BillingContext } from '../context';
import type { Plan as PlanModel } from '../domain/plans';

export const Plan = {
  async __resolveReference(reference: { id: string }, context: BillingContext): Promise<PlanModel | null> {
    return (await context.billing.plans()).find((plan) => plan.id === reference.id) ?? null;
  },
};
