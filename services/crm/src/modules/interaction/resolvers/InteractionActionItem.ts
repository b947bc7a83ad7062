import type { InteractionActionItemResolvers } from '../../../generated/graphql';

export const InteractionActionItem: InteractionActionItemResolvers = {
  /** A reference the identity subgraph resolves. */
  assignedTo: (item) => (item.assignedToId ? { id: item.assignedToId } : null),
};
