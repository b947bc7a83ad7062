import type { TicketNoteResolvers } from '../../../generated/graphql';

export const TicketNote: TicketNoteResolvers = {
  /** A reference the identity subgraph resolves (batched there). */
  addedBy: (note) => ({ id: note.addedBy }),
};
