// What the generated resolver types use as parents (see @platform/codegen).
import type { Plan } from './domain/plan';

export type PlanMapper = Plan;
export { AiInsightsLevel, ApiAccessLevel, InteractionTrackingLevel, SupportLevel } from './domain/plan';
