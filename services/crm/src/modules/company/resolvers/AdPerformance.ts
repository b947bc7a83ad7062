import type { AdPerformanceResolvers } from '../../../generated/graphql';

export const AdPerformance: AdPerformanceResolvers = {
  /** A calendar day: the Date scalar prints the UTC day the row is for. */
  date: (row) => row.date,
};
