import type { MetricUsageResolvers } from '../../../generated/graphql';

/** Quantities are bigint in the domain and Decimal strings in the graph. */
export const MetricUsage: MetricUsageResolvers = {
  quantity: (usage) => usage.quantity.toString(),
  peak: (usage) => usage.peak?.toString() ?? null,
  limit: (usage) => usage.limit?.toString() ?? null,
};
