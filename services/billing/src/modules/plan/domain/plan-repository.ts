import type { Plan, PlanPrice } from './plan';

/** What the plan operations need of storage (infra/plan-repository.ts implements it). */
export interface PlanRepository {
  /** Every plan, cheapest first. */
  all(): Promise<Plan[]>;
  /** The plans with these ids, in id order (null where none). */
  byIds(ids: readonly string[]): Promise<Array<Plan | null>>;
  /** The price lists of these plans, in id order (one statement; empty for custom pricing). */
  pricesOf(planIds: readonly string[]): Promise<PlanPrice[][]>;
}
