import type { BillingContext } from '../context';
import type { Plan } from '../domain/plans';

export const Query = {
  plans: (_parent: unknown, _args: unknown, context: BillingContext): Promise<Plan[]> =>
    context.billing.plans(),
};
