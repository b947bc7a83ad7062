import {
  afterCursorWhere,
  orderByKeys,
  pagesByParent,
  uuidsOnly,
  type TenantDatabase,
} from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { Ticket, TicketNote } from '../domain/ticket';
import type { TicketFilter, TicketRepository } from '../domain/ticket-repository';

type Transaction = Prisma.TransactionClient;
type TicketRow = Prisma.TicketGetPayload<object>;
type NoteRow = Prisma.TicketNoteGetPayload<object>;

function toTicket(row: TicketRow): Ticket {
  return {
    id: row.id,
    organizationId: row.organizationId,
    number: row.number,
    companyId: row.companyId,
    contactId: row.contactId,
    title: row.title,
    description: row.description,
    category: row.category,
    priority: row.priority,
    status: row.status,
    assigneeId: row.assigneeId,
    resolutionNotes: row.resolutionNotes,
    timeSpentMinutes: row.timeSpentMinutes,
    dueDate: row.dueDate,
    createdBy: row.createdBy,
    resolvedBy: row.resolvedBy,
    resolvedAt: row.resolvedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const toNote = (row: NoteRow): TicketNote => ({
  id: row.id,
  organizationId: row.organizationId,
  ticketId: row.ticketId,
  content: row.content,
  isInternal: row.isInternal,
  addedBy: row.addedBy,
  createdAt: row.createdAt,
});

/** A ticket row as PostgreSQL names its columns (what `pagesByParent` returns). */
interface TicketColumns extends Record<string, unknown> {
  id: string;
  organization_id: string;
  number: number;
  company_id: string | null;
  contact_id: string | null;
  title: string;
  description: string;
  category: Ticket['category'];
  priority: Ticket['priority'];
  status: Ticket['status'];
  assignee_id: string | null;
  resolution_notes: string | null;
  time_spent_minutes: number;
  due_date: Date | null;
  created_by: string;
  resolved_by: string | null;
  resolved_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const fromTicketColumns = (row: TicketColumns): Ticket => ({
  id: row.id,
  organizationId: row.organization_id,
  number: row.number,
  companyId: row.company_id,
  contactId: row.contact_id,
  title: row.title,
  description: row.description,
  category: row.category,
  priority: row.priority,
  status: row.status,
  assigneeId: row.assignee_id,
  resolutionNotes: row.resolution_notes,
  timeSpentMinutes: row.time_spent_minutes,
  dueDate: row.due_date,
  createdBy: row.created_by,
  resolvedBy: row.resolved_by,
  resolvedAt: row.resolved_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

interface NoteColumns extends Record<string, unknown> {
  id: string;
  organization_id: string;
  ticket_id: string;
  content: string;
  is_internal: boolean;
  added_by: string;
  created_at: Date;
}

const fromNoteColumns = (row: NoteColumns): TicketNote => ({
  id: row.id,
  organizationId: row.organization_id,
  ticketId: row.ticket_id,
  content: row.content,
  isInternal: row.is_internal,
  addedBy: row.added_by,
  createdAt: row.created_at,
});

/** Newest first, then by id: a stable order for cursors. */
const ORDER: Prisma.TicketOrderByWithRelationInput[] = [{ createdAt: 'desc' }, { id: 'desc' }];

function filterWhere(organizationId: string, filter: TicketFilter): Prisma.TicketWhereInput {
  return {
    organizationId,
    ...(filter.status?.length ? { status: { in: [...filter.status] } } : {}),
    ...(filter.priority?.length ? { priority: { in: [...filter.priority] } } : {}),
    ...(filter.category?.length ? { category: { in: [...filter.category] } } : {}),
    ...(filter.assigneeId ? { assigneeId: filter.assigneeId } : {}),
    ...(filter.companyId ? { companyId: filter.companyId } : {}),
    ...(filter.contactId ? { contactId: filter.contactId } : {}),
  };
}

/**
 * The organization's next ticket number. One statement that inserts the organization's counter row or
 * increments it, and returns the new value: the row stays locked until the creating transaction ends,
 * so concurrent creations take turns and each sees the previous one's number (gap-free, as a rolled
 * back creation rolls its increment back too); ON CONFLICT makes the first creations of an
 * organization safe as well, where there is no row to lock yet.
 */
async function nextNumber(tx: Transaction, organizationId: string): Promise<number> {
  const [row] = await tx.$queryRaw<Array<{ last_number: number }>>`
    INSERT INTO ticket_counters (organization_id, last_number) VALUES (${organizationId}::uuid, 1)
    ON CONFLICT (organization_id) DO UPDATE SET last_number = ticket_counters.last_number + 1
    RETURNING last_number`;
  if (!row) throw new Error('ticket_counters returned no number');
  return row.last_number;
}

function ticketData(ticket: Ticket) {
  return {
    companyId: ticket.companyId,
    contactId: ticket.contactId,
    title: ticket.title,
    description: ticket.description,
    category: ticket.category,
    priority: ticket.priority,
    status: ticket.status,
    assigneeId: ticket.assigneeId,
    resolutionNotes: ticket.resolutionNotes,
    timeSpentMinutes: ticket.timeSpentMinutes,
    dueDate: ticket.dueDate,
    resolvedBy: ticket.resolvedBy,
    resolvedAt: ticket.resolvedAt,
    updatedAt: ticket.updatedAt,
  };
}

/**
 * Tickets and their notes over Prisma. Every call runs in the organization's tenant transaction
 * (row-level security backs up the explicit organization filter).
 */
export function ticketRepository(db: TenantDatabase<Transaction>): TicketRepository {
  return {
    open: (draft, decide) =>
      db.writeDecided(draft.organizationId, async (tx) => {
        const { value: ticket, events } = decide(await nextNumber(tx, draft.organizationId));
        const row = await tx.ticket.create({
          data: {
            ...ticketData(ticket),
            id: ticket.id,
            organizationId: ticket.organizationId,
            number: ticket.number,
            createdBy: ticket.createdBy,
            createdAt: ticket.createdAt,
          },
        });
        return { value: toTicket(row), events };
      }),

    change: (organizationId, id, decide) =>
      db.writeDecided(organizationId, async (tx) => {
        // Locks the row: a concurrent change of the same ticket waits and then decides from this one's result.
        const locked = await tx.$queryRaw<Array<{ id: string }>>`
          SELECT id FROM tickets WHERE id = ${id}::uuid AND organization_id = ${organizationId}::uuid FOR UPDATE`;
        if (locked.length === 0) return { value: null, events: [] };
        const current = await tx.ticket.findUniqueOrThrow({ where: { id } });
        const { value: ticket, events } = decide(toTicket(current));
        if (events.length === 0) return { value: ticket, events };
        const row = await tx.ticket.update({ where: { id }, data: ticketData(ticket) });
        return { value: toTicket(row), events };
      }),

    addNote: (organizationId, ticketId, decide) =>
      db.writeDecided(organizationId, async (tx) => {
        const row = await tx.ticket.findFirst({ where: { id: ticketId, organizationId } });
        if (!row) return { value: null, events: [] };
        const { value: note, events } = decide(toTicket(row));
        const stored = await tx.ticketNote.create({
          data: {
            id: note.id,
            organizationId: note.organizationId,
            ticketId: note.ticketId,
            content: note.content,
            isInternal: note.isInternal,
            addedBy: note.addedBy,
            createdAt: note.createdAt,
          },
        });
        return { value: toNote(stored), events };
      }),

    async byIds(organizationId, ids) {
      const rows = await db.read(organizationId, (tx) =>
        tx.ticket.findMany({ where: { organizationId, id: { in: uuidsOnly(ids) } } }),
      );
      return orderByKeys(ids, rows.map(toTicket), (ticket) => ticket.id);
    },

    list: (organizationId, filter, request) =>
      db.read(organizationId, async (tx) => {
        const where = filterWhere(organizationId, filter);
        const [rows, totalCount] = await Promise.all([
          tx.ticket.findMany({
            where: { ...where, ...afterCursorWhere(request) },
            orderBy: ORDER,
            take: request.first + 1,
          }),
          tx.ticket.count({ where }),
        ]);
        return { rows: rows.map(toTicket), totalCount };
      }),

    ofContacts: (organizationId, contactIds, request) =>
      db.read(organizationId, async (tx) => {
        const pages = await pagesByParent<TicketColumns>(tx, {
          table: 'tickets',
          parentColumn: 'contact_id',
          organizationId,
          parentIds: contactIds,
          request,
        });
        return pages.map(({ rows, totalCount }) => ({ rows: rows.map(fromTicketColumns), totalCount }));
      }),

    assignedTo: (organizationId, userIds, request) =>
      db.read(organizationId, async (tx) => {
        const pages = await pagesByParent<TicketColumns>(tx, {
          table: 'tickets',
          parentColumn: 'assignee_id',
          organizationId,
          parentIds: userIds,
          request,
        });
        return pages.map(({ rows, totalCount }) => ({ rows: rows.map(fromTicketColumns), totalCount }));
      }),

    notesOf: (organizationId, ticketIds, visibility, request) =>
      db.read(organizationId, async (tx) => {
        const pages = await pagesByParent<NoteColumns>(tx, {
          table: 'ticket_notes',
          parentColumn: 'ticket_id',
          organizationId,
          parentIds: ticketIds,
          request,
          where: visibility === 'CLIENT_FACING' ? 'is_internal = false' : undefined,
        });
        return pages.map(({ rows, totalCount }) => ({ rows: rows.map(fromNoteColumns), totalCount }));
      }),

    async hasLiveContact(organizationId, contactId) {
      const found = await db.read(organizationId, (tx) =>
        tx.contact.count({ where: { id: contactId, organizationId, deletedAt: null } }),
      );
      return found > 0;
    },
  };
}
