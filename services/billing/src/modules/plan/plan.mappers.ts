// What the generated resolver types use as parents (see @platform/codegen).
import type { Plan, PlanPrice } from './domain/plan';

export type PlanMapper = Plan;
export type PlanPriceMapper = PlanPrice;
export { AiInsightsLevel, ApiAccessLevel, InteractionTrackingLevel, SupportLevel } from './domain/plan';
