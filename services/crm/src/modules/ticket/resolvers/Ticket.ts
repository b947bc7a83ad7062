import { pageRequest } from '@platform/domain';
import { toConnection } from '@platform/service-kit';
import type { TicketResolvers } from '../../../generated/graphql';

export const Ticket: TicketResolvers = {
  __resolveReference: (reference, { ticketById }) => ticketById.load(reference.id),
  /** crm's own contact, batched by the contact module's loader; a deleted contact reads as null. */
  contact: (ticket, _args, { contactById }) => (ticket.contactId ? contactById.load(ticket.contactId) : null),
  /** References the identity subgraph resolves (batched there). */
  assignee: (ticket) => (ticket.assigneeId ? { id: ticket.assigneeId } : null),
  createdBy: (ticket) => ({ id: ticket.createdBy }),
  resolvedBy: (ticket) => (ticket.resolvedBy ? { id: ticket.resolvedBy } : null),
  /** Batched: the notes of N tickets cost what one ticket's cost. */
  notes: async (ticket, { visibility, first, after }, { notesByTicket, clientFacingNotesByTicket }) => {
    const loader = visibility === 'CLIENT_FACING' ? clientFacingNotesByTicket : notesByTicket;
    return toConnection(await loader.load({ parentId: ticket.id, request: pageRequest(first, after) }));
  },
};
