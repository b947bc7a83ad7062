import type { Plan } from './plan';
import type { PlanRepository } from './plan-repository';

/**
 * The plan use cases. Plans are global, public data (no tenant, no sign-in): the price list is what
 * an anonymous visitor compares before signing up.
 */
export function planOperations(repository: PlanRepository) {
  return {
    list: (): Promise<Plan[]> => repository.all(),
  };
}

export type PlanOperations = ReturnType<typeof planOperations>;
