// What the generated resolver types use as parents (see @platform/codegen).
import type { Ticket, TicketNote } from './domain/ticket';

export type TicketMapper = Ticket;
export type TicketNoteMapper = TicketNote;
export { TicketCategory, TicketNoteVisibility, TicketPriority, TicketStatus } from './domain/ticket';
