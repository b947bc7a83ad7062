import type { ConsentHistoryEntryResolvers } from '../../../generated/graphql';

export const ConsentHistoryEntry: ConsentHistoryEntryResolvers = {
  /** A reference the identity subgraph resolves (batched there). */
  changedBy: (entry) => (entry.changedBy ? { id: entry.changedBy } : null),
  changedAt: (entry) => entry.createdAt,
};
