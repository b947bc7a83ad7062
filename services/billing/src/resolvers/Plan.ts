import type { BillingContext } from '../context';
import type { Plan as PlanModel } from '../domain/plans';

export const Plan = {
  __resolveReference: (reference: { id: string }, context: BillingContext): Promise<PlanModel | null> =>
    context.planById.load(reference.id),
  features: (plan: PlanModel) => plan.features,
};
