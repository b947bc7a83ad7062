import type { PipelineBoardColumnResolvers } from '../../../generated/graphql';

export const PipelineBoardColumn: PipelineBoardColumnResolvers = {
  hasMoreDeals: (column) => column.dealCount > column.deals.length,
};
