import type { Page } from '@platform/domain';
import { DataLoader, defineModule, pageLoader, type PageKey } from '@platform/service-kit';
import type { CrmDependencies } from '../../service';
import { userReferences } from '../contact/infra/user-references';
import type { Ticket as TicketModel, TicketNote as TicketNoteModel } from './domain/ticket';
import { ticketOperations, type TicketOperations } from './domain/ticket-operations';
import { ticketRepository } from './infra/ticket-repository';
import { Contact } from './resolvers/Contact';
import { addTicketNote } from './resolvers/Mutation/addTicketNote';
import { openTicket } from './resolvers/Mutation/openTicket';
import { setTicketStatus } from './resolvers/Mutation/setTicketStatus';
import { updateTicket } from './resolvers/Mutation/updateTicket';
import { ticket } from './resolvers/Query/ticket';
import { tickets as ticketList } from './resolvers/Query/tickets';
import { Ticket } from './resolvers/Ticket';
import { TicketNote } from './resolvers/TicketNote';
import { User } from './resolvers/User';

export interface TicketModuleContext {
  tickets: TicketOperations;
  /** The caller's organization's tickets by id (one query per batch). */
  ticketById: DataLoader<string, TicketModel | null>;
  /** Pages of tickets by contact: one query per batch (per distinct first/after). */
  ticketsByContact: DataLoader<PageKey, Page<TicketModel>, string>;
  /** Pages of tickets by assignee: one query per batch (per distinct first/after). */
  ticketsByAssignee: DataLoader<PageKey, Page<TicketModel>, string>;
  /** Pages of all notes (as far as the caller may read them) by ticket: one query per batch. */
  notesByTicket: DataLoader<PageKey, Page<TicketNoteModel>, string>;
  /** Pages of client-facing notes by ticket: one query per batch. */
  clientFacingNotesByTicket: DataLoader<PageKey, Page<TicketNoteModel>, string>;
}

export const ticketModule = defineModule<CrmDependencies, TicketModuleContext>({
  resolvers: {
    Query: { ticket, tickets: ticketList },
    Mutation: { openTicket, updateTicket, setTicketStatus, addTicketNote },
    Ticket,
    TicketNote,
    Contact,
    User,
  },
  context: ({ tenants }) => {
    const repository = ticketRepository(tenants);
    const tickets = ticketOperations(repository, userReferences(tenants));
    return ({ auth }) => ({
      tickets,
      ticketById: new DataLoader((ids: readonly string[]) =>
        auth.organizationId
          ? repository.byIds(auth.organizationId, ids)
          : Promise.resolve(ids.map(() => null)),
      ),
      ticketsByContact: pageLoader((contactIds, request) => tickets.ofContacts(auth, contactIds, request)),
      ticketsByAssignee: pageLoader((userIds, request) => tickets.assignedTo(auth, userIds, request)),
      notesByTicket: pageLoader((ticketIds, request) => tickets.notesOf(auth, ticketIds, 'ALL', request)),
      clientFacingNotesByTicket: pageLoader((ticketIds, request) =>
        tickets.notesOf(auth, ticketIds, 'CLIENT_FACING', request),
      ),
    });
  },
});
