import type { CompanyStageEventResolvers } from '../../../generated/graphql';

export const CompanyStageEvent: CompanyStageEventResolvers = {
  /** A reference the identity subgraph resolves (batched there). */
  movedBy: (event) => ({ id: event.movedById }),
  movedAt: (event) => event.createdAt,
};
