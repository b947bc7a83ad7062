import type { PageRequest } from '@platform/domain';
import type {
  Ticket,
  TicketCategory,
  TicketDraft,
  TicketEvent,
  TicketNote,
  TicketNoteVisibility,
  TicketPriority,
  TicketStatus,
} from './ticket';

/** What the operations decide once the storing transaction has what they need. */
export interface Decided<T> {
  value: T;
  events: readonly TicketEvent[];
}

/** Which of an organization's tickets a list asks for; every condition given must hold. */
export interface TicketFilter {
  status?: readonly TicketStatus[] | null;
  priority?: readonly TicketPriority[] | null;
  category?: readonly TicketCategory[] | null;
  assigneeId?: string | null;
  companyId?: string | null;
  contactId?: string | null;
}

/** Up to `request.first + 1` rows after the cursor, newest first, and how many there are in all. */
export interface Rows<T> {
  rows: T[];
  totalCount: number;
}

/** What the ticket operations need of storage (infra/ticket-repository.ts implements it). */
export interface TicketRepository {
  /**
   * Stores a new ticket with the organization's next number: the number is taken in the storing
   * transaction (so a failed write gives it back) and `decide` turns the draft and number into the
   * ticket and its events, stored in the same transaction.
   */
  open(draft: TicketDraft, decide: (number: number) => Decided<Ticket>): Promise<Ticket>;
  /**
   * Changes a ticket: `decide` gets the ticket as it is, locked until the transaction ends (two changes
   * of one ticket never decide from the same state), and answers the new state and its events; no
   * events means nothing changed and nothing is written. Null when there is no such ticket.
   */
  change(
    organizationId: string,
    id: string,
    decide: (current: Ticket) => Decided<Ticket>,
  ): Promise<Ticket | null>;
  /** Adds a note to a ticket and its events in one transaction; null when there is no such ticket. */
  addNote(
    organizationId: string,
    ticketId: string,
    decide: (ticket: Ticket) => Decided<TicketNote>,
  ): Promise<TicketNote | null>;
  /** The organization's tickets with these ids, in id order (null where none). */
  byIds(organizationId: string, ids: readonly string[]): Promise<Array<Ticket | null>>;
  /** A page of the organization's tickets that match the filter. */
  list(organizationId: string, filter: TicketFilter, request: PageRequest): Promise<Rows<Ticket>>;
  /** For each contact, a page of its tickets, in contact order: one query for any number of contacts. */
  ofContacts(
    organizationId: string,
    contactIds: readonly string[],
    request: PageRequest,
  ): Promise<Array<Rows<Ticket>>>;
  /** For each user, a page of the tickets assigned to them, in user order: one query for any number. */
  assignedTo(
    organizationId: string,
    userIds: readonly string[],
    request: PageRequest,
  ): Promise<Array<Rows<Ticket>>>;
  /** For each ticket, a page of its notes of that visibility, in ticket order: one query for any number. */
  notesOf(
    organizationId: string,
    ticketIds: readonly string[],
    visibility: TicketNoteVisibility,
    request: PageRequest,
  ): Promise<Array<Rows<TicketNote>>>;
  /** Whether the organization has a live (not deleted) contact with this id. */
  hasLiveContact(organizationId: string, contactId: string): Promise<boolean>;
}
