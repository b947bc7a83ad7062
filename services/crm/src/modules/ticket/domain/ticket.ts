/**
 * Ticket rules (spec 004 TICKET and TICKET_NOTE) and the events they imply. No Prisma or GraphQL here.
 * Events carry ids, enums and changed field names only: titles, descriptions, resolution notes and note
 * contents are free text a client wrote, and stay in crm.
 */
import {
  createEvent,
  TICKET_CATEGORIES,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  TICKET_UPDATABLE_FIELDS,
  type CloudEvent,
  type EventData,
} from '@platform/events/catalog';
import { conflict, enumObject, InputIssues, isUuid } from '@platform/domain';

export const TicketCategory = enumObject(TICKET_CATEGORIES);
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];
export const TicketPriority = enumObject(TICKET_PRIORITIES);
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export const TicketStatus = enumObject(TICKET_STATUSES);
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export type TicketField = (typeof TICKET_UPDATABLE_FIELDS)[number];

const NOTE_VISIBILITIES = ['ALL', 'CLIENT_FACING'] as const;
/** Which notes a reader asks for; internal ones need tickets:read (see `readableVisibility`). */
export const TicketNoteVisibility = enumObject(NOTE_VISIBILITIES);
export type TicketNoteVisibility = (typeof NOTE_VISIBILITIES)[number];

export interface Ticket {
  id: string;
  organizationId: string;
  /** Per organization, from 1, gap-free: given by the storing transaction. */
  number: number;
  companyId: string | null;
  contactId: string | null;
  title: string;
  description: string;
  category: TicketCategory;
  priority: TicketPriority;
  status: TicketStatus;
  assigneeId: string | null;
  resolutionNotes: string | null;
  timeSpentMinutes: number;
  /** A calendar date: UTC midnight of the day. */
  dueDate: Date | null;
  createdBy: string;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface TicketNote {
  id: string;
  organizationId: string;
  ticketId: string;
  content: string;
  isInternal: boolean;
  addedBy: string;
  createdAt: Date;
}

/** A validated new ticket, before the storing transaction numbers it. */
export type TicketDraft = Omit<Ticket, 'number'>;

export type TicketOpened = CloudEvent<'crm.ticket.opened.v1', EventData<'crm.ticket.opened.v1'>>;
export type TicketUpdated = CloudEvent<'crm.ticket.updated.v1', EventData<'crm.ticket.updated.v1'>>;
export type TicketStatusChanged = CloudEvent<
  'crm.ticket.status_changed.v1',
  EventData<'crm.ticket.status_changed.v1'>
>;
export type TicketNoteAdded = CloudEvent<'crm.ticket.note_added.v1', EventData<'crm.ticket.note_added.v1'>>;
export type TicketEvent = TicketOpened | TicketUpdated | TicketStatusChanged | TicketNoteAdded;

export const EVENT_SOURCE = '/services/crm';
export const MAX_TITLE_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 20_000;
export const MAX_RESOLUTION_NOTES_LENGTH = 20_000;
export const MAX_NOTE_LENGTH = 10_000;

/**
 * The status machine: where a ticket may go from each status. A resolved ticket only reopens (back to
 * in_progress); nothing goes back to new, and moving to the status a ticket already has is no move.
 */
export const TICKET_TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  new: ['in_progress', 'waiting_client', 'resolved'],
  in_progress: ['waiting_client', 'resolved'],
  waiting_client: ['in_progress', 'resolved'],
  resolved: ['in_progress'],
};

export function canMove(from: TicketStatus, to: TicketStatus): boolean {
  return TICKET_TRANSITIONS[from].includes(to);
}

/** The references a ticket names, which the operations check against storage. */
export interface TicketReferences {
  assigneeId?: string | null;
  contactId?: string | null;
}

export interface OpenTicketInput extends TicketReferences {
  title: string;
  description: string;
  category: TicketCategory;
  priority?: TicketPriority | null;
  companyId?: string | null;
  dueDate?: Date | null;
  timeSpentMinutes?: number | null;
}

/** What `updateTicket` changes: a field left undefined stays as it is; null clears an optional one. */
export interface TicketChangesInput extends TicketReferences {
  title?: string | null;
  description?: string | null;
  category?: TicketCategory | null;
  priority?: TicketPriority | null;
  dueDate?: Date | null;
  timeSpentMinutes?: number | null;
  companyId?: string | null;
}

/** Checked changes: every field given has a valid value. */
export type TicketChanges = Partial<Pick<Ticket, TicketField>>;

function checkText(issues: InputIssues, path: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length < 1 || trimmed.length > max)
    issues.add(path, `must be 1–${max.toLocaleString('en')} characters`);
  return trimmed;
}

function checkMinutes(issues: InputIssues, value: number): void {
  if (!Number.isInteger(value) || value < 0)
    issues.add('timeSpentMinutes', 'must be a whole number of minutes, 0 or more');
}

/** Year 0 reads as a date but has none in PostgreSQL (1 BC comes before AD 1). */
function checkDate(issues: InputIssues, value: Date | null | undefined): void {
  if (value && (Number.isNaN(value.getTime()) || value.getUTCFullYear() < 1)) {
    issues.add('dueDate', 'must be a valid date from 0001-01-01');
  }
}

function checkId(issues: InputIssues, path: string, value: string | null | undefined): void {
  if (value !== null && value !== undefined && !isUuid(value)) issues.add(path, 'must be a UUID');
}

/**
 * A new ticket, not numbered yet: title and description trimmed, priority medium unless given, status
 * new, no time spent unless given. Problems are added to `issues` (the caller adds those of the
 * references and throws them all at once).
 */
export function draftTicket(
  ids: { id: string; organizationId: string; createdBy: string },
  input: OpenTicketInput,
  now: Date,
  issues: InputIssues,
): TicketDraft {
  const title = checkText(issues, 'title', input.title, MAX_TITLE_LENGTH);
  const description = checkText(issues, 'description', input.description, MAX_DESCRIPTION_LENGTH);
  const timeSpentMinutes = input.timeSpentMinutes ?? 0;
  checkMinutes(issues, timeSpentMinutes);
  checkDate(issues, input.dueDate);
  checkId(issues, 'assigneeId', input.assigneeId);
  checkId(issues, 'companyId', input.companyId);
  checkId(issues, 'contactId', input.contactId);
  return {
    id: ids.id,
    organizationId: ids.organizationId,
    companyId: input.companyId ?? null,
    contactId: input.contactId ?? null,
    title,
    description,
    category: input.category,
    priority: input.priority ?? TicketPriority.medium,
    status: TicketStatus.new,
    assigneeId: input.assigneeId ?? null,
    resolutionNotes: null,
    timeSpentMinutes,
    dueDate: input.dueDate ?? null,
    createdBy: ids.createdBy,
    resolvedBy: null,
    resolvedAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** The drafted ticket with the number its organization's counter gave it, and the event that implies. */
export function numberTicket(draft: TicketDraft, number: number): { ticket: Ticket; events: [TicketOpened] } {
  const ticket: Ticket = { ...draft, number };
  return {
    ticket,
    events: [
      createEvent('crm.ticket.opened.v1', {
        source: EVENT_SOURCE,
        subject: ticket.id,
        tenantId: ticket.organizationId,
        time: ticket.createdAt,
        data: {
          ticketId: ticket.id,
          organizationId: ticket.organizationId,
          number: ticket.number,
          category: ticket.category,
          priority: ticket.priority,
          status: ticket.status,
          assigneeId: ticket.assigneeId,
          companyId: ticket.companyId,
          contactId: ticket.contactId,
          dueDate: ticket.dueDate ? isoDate(ticket.dueDate) : null,
          createdBy: ticket.createdBy,
          createdAt: ticket.createdAt.toISOString(),
        },
      }),
    ],
  };
}

/**
 * Checks the changes `updateTicket` asks for, with no ticket at hand yet: title and description may
 * not be cleared, category, priority and time spent not set to null. Problems go to `issues`.
 */
export function checkTicketChanges(input: TicketChangesInput, issues: InputIssues): TicketChanges {
  const changes: TicketChanges = {};
  if (input.title !== undefined) {
    if (input.title === null) issues.add('title', 'cannot be cleared');
    else changes.title = checkText(issues, 'title', input.title, MAX_TITLE_LENGTH);
  }
  if (input.description !== undefined) {
    if (input.description === null) issues.add('description', 'cannot be cleared');
    else changes.description = checkText(issues, 'description', input.description, MAX_DESCRIPTION_LENGTH);
  }
  if (input.category !== undefined) {
    if (input.category === null) issues.add('category', 'cannot be cleared');
    else changes.category = input.category;
  }
  if (input.priority !== undefined) {
    if (input.priority === null) issues.add('priority', 'cannot be cleared');
    else changes.priority = input.priority;
  }
  if (input.timeSpentMinutes !== undefined) {
    if (input.timeSpentMinutes === null) issues.add('timeSpentMinutes', 'cannot be cleared');
    else {
      checkMinutes(issues, input.timeSpentMinutes);
      changes.timeSpentMinutes = input.timeSpentMinutes;
    }
  }
  if (input.dueDate !== undefined) {
    checkDate(issues, input.dueDate);
    changes.dueDate = input.dueDate;
  }
  for (const field of ['assigneeId', 'companyId', 'contactId'] as const) {
    const value = input[field];
    if (value === undefined) continue;
    checkId(issues, field, value);
    changes[field] = value;
  }
  return changes;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

/**
 * The ticket with checked changes applied, and crm.ticket.updated.v1 naming the fields that really
 * changed; a change that changes nothing implies no event and leaves the ticket as it was.
 */
export function updateTicket(
  ticket: Ticket,
  changes: TicketChanges,
  updatedBy: string,
  now: Date,
): { ticket: Ticket; events: TicketUpdated[] } {
  const changedFields = TICKET_UPDATABLE_FIELDS.filter(
    (field) => field in changes && !sameValue(changes[field], ticket[field]),
  );
  if (changedFields.length === 0) return { ticket, events: [] };
  const updated: Ticket = { ...ticket, ...changes, updatedAt: now };
  return {
    ticket: updated,
    events: [
      createEvent('crm.ticket.updated.v1', {
        source: EVENT_SOURCE,
        subject: updated.id,
        tenantId: updated.organizationId,
        time: now,
        data: {
          ticketId: updated.id,
          organizationId: updated.organizationId,
          changedFields,
          category: updated.category,
          priority: updated.priority,
          assigneeId: updated.assigneeId,
          companyId: updated.companyId,
          contactId: updated.contactId,
          updatedBy,
          updatedAt: now.toISOString(),
        },
      }),
    ],
  };
}

/** A checked status change: resolution notes come with resolving and only then. */
export interface StatusChange {
  to: TicketStatus;
  resolutionNotes: string | null;
}

export function checkStatusChange(
  to: TicketStatus,
  resolutionNotes: string | null | undefined,
  issues: InputIssues,
): StatusChange {
  const given = resolutionNotes ?? null;
  if (to === TicketStatus.resolved) {
    if (given === null) {
      issues.add('resolutionNotes', 'are required to resolve a ticket', 'required');
      return { to, resolutionNotes: null };
    }
    return { to, resolutionNotes: checkText(issues, 'resolutionNotes', given, MAX_RESOLUTION_NOTES_LENGTH) };
  }
  if (given !== null) issues.add('resolutionNotes', 'are only given when resolving a ticket');
  return { to, resolutionNotes: null };
}

/**
 * Moves the ticket along the status machine (CONFLICT naming both statuses when the move is not
 * allowed). Resolving records the notes, who and when; reopening clears all three, as they described
 * a resolution that no longer holds.
 */
export function changeTicketStatus(
  ticket: Ticket,
  change: StatusChange,
  changedBy: string,
  now: Date,
): { ticket: Ticket; events: [TicketStatusChanged] } {
  const from = ticket.status;
  if (!canMove(from, change.to)) {
    throw conflict(`A ticket cannot move from ${from} to ${change.to}`, { from, to: change.to });
  }
  const resolved = change.to === TicketStatus.resolved;
  const updated: Ticket = {
    ...ticket,
    status: change.to,
    resolutionNotes: resolved ? change.resolutionNotes : null,
    resolvedBy: resolved ? changedBy : null,
    resolvedAt: resolved ? now : null,
    updatedAt: now,
  };
  return {
    ticket: updated,
    events: [
      createEvent('crm.ticket.status_changed.v1', {
        source: EVENT_SOURCE,
        subject: updated.id,
        tenantId: updated.organizationId,
        time: now,
        data: {
          ticketId: updated.id,
          organizationId: updated.organizationId,
          from,
          to: change.to,
          changedBy,
          changedAt: now.toISOString(),
        },
      }),
    ],
  };
}

export interface NewTicketNoteInput {
  content: string;
  isInternal: boolean;
}

/** Checks a note before its ticket is looked up: content trimmed, 1–10,000 characters. */
export function checkNote(input: NewTicketNoteInput): NewTicketNoteInput {
  const issues = new InputIssues();
  const content = checkText(issues, 'content', input.content, MAX_NOTE_LENGTH);
  issues.throwIfAny();
  return { content, isInternal: input.isInternal };
}

/** A note on `ticket` and its event (keyed by the ticket, so it follows the ticket's other events). */
export function addNote(
  ticket: Pick<Ticket, 'id' | 'organizationId'>,
  note: NewTicketNoteInput,
  ids: { id: string; addedBy: string },
  now: Date,
): { note: TicketNote; events: [TicketNoteAdded] } {
  const added: TicketNote = {
    id: ids.id,
    organizationId: ticket.organizationId,
    ticketId: ticket.id,
    content: note.content,
    isInternal: note.isInternal,
    addedBy: ids.addedBy,
    createdAt: now,
  };
  return {
    note: added,
    events: [
      createEvent('crm.ticket.note_added.v1', {
        source: EVENT_SOURCE,
        subject: ticket.id,
        tenantId: ticket.organizationId,
        time: now,
        data: {
          ticketId: ticket.id,
          organizationId: ticket.organizationId,
          noteId: added.id,
          isInternal: added.isInternal,
          addedBy: added.addedBy,
          addedAt: now.toISOString(),
        },
      }),
    ],
  };
}

/**
 * The notes a reader gets: internal notes are the organization's working notes, read only with
 * tickets:read; a reader without it (a future client-portal role) gets the client-facing ones,
 * whatever it asked for.
 */
export function readableVisibility(
  asked: TicketNoteVisibility,
  mayReadInternal: boolean,
): TicketNoteVisibility {
  return mayReadInternal ? asked : TicketNoteVisibility.CLIENT_FACING;
}

/** YYYY-MM-DD of a calendar date (held as UTC midnight). */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
