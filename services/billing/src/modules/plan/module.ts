import { DataLoader, defineModule } from '@platform/service-kit';
import type { BillingDependencies } from '../../service';
import type { Plan as PlanModel, PlanPrice as PlanPriceModel } from './domain/plan';
import { planOperations, type PlanOperations } from './domain/plan-operations';
import { planRepository } from './infra/plan-repository';
import { Plan } from './resolvers/Plan';
import { PlanPrice } from './resolvers/PlanPrice';
import { plans } from './resolvers/Query/plans';

export interface PlanModuleContext {
  plans: PlanOperations;
  /** Plans by id (one query per batch); plans are global, so every caller sees the same ones. */
  planById: DataLoader<string, PlanModel | null>;
  /** Plans' price lists by plan id (one query per batch). */
  planPricesByPlanId: DataLoader<string, PlanPriceModel[]>;
}

export const planModule = defineModule<BillingDependencies, PlanModuleContext>({
  resolvers: { Query: { plans }, Plan, PlanPrice },
  context: ({ database }) => {
    const repository = planRepository(database);
    const operations = planOperations(repository);
    return () => ({
      plans: operations,
      planById: new DataLoader((ids: readonly string[]) => repository.byIds(ids)),
      planPricesByPlanId: new DataLoader((ids: readonly string[]) => repository.pricesOf(ids)),
    });
  },
});
