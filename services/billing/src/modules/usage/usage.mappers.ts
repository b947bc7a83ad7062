// What the generated resolver types use as parents (see @platform/codegen).
import type { MetricUsage, OrganizationUsage } from './domain/usage-operations';

export type OrganizationUsageMapper = OrganizationUsage;
export type MetricUsageMapper = MetricUsage;
export { UsageMetric, UsageMetricKind } from './domain/usage';
