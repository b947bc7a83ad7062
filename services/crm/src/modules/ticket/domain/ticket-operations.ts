import { randomUUID } from 'node:crypto';
import {
  holds,
  InputIssues,
  isUuid,
  notFound,
  organizationOf,
  pagesOf,
  pageOf,
  signedInUser,
  type Actor,
  type Page,
  type PageRequest,
} from '@platform/domain';
import { checkAssigneeAndContact, type KnownUsers } from '../../contact/domain/owners';
import {
  addNote,
  changeTicketStatus,
  checkNote,
  checkStatusChange,
  checkTicketChanges,
  draftTicket,
  numberTicket,
  readableVisibility,
  updateTicket,
  type NewTicketNoteInput,
  type OpenTicketInput,
  type Ticket,
  type TicketChangesInput,
  type TicketNote,
  type TicketNoteVisibility,
  type TicketReferences,
  type TicketStatus,
} from './ticket';
import type { TicketFilter, TicketRepository } from './ticket-repository';

const SIGN_IN = 'Sign in to work with tickets';

/** The ticket use cases: who may do what, and what it changes. */
export function ticketOperations(
  repository: TicketRepository,
  users: KnownUsers,
  clock: () => Date = () => new Date(),
) {
  /** The assignee and contact a write names (contact/domain/owners.ts). */
  const checkReferences = (
    caller: { organizationId: string; userId: string },
    references: TicketReferences,
    issues: InputIssues,
  ) =>
    checkAssigneeAndContact(
      {
        users,
        hasLiveContact: (organizationId, contactId) => repository.hasLiveContact(organizationId, contactId),
      },
      caller,
      references,
      issues,
    );

  /** Missing tickets and other organizations' tickets are all simply "not found". */
  const missing = (id: string) => notFound('Ticket', id);

  return {
    async open(actor: Actor, input: OpenTicketInput): Promise<Ticket> {
      const caller = signedInUser(actor, SIGN_IN);
      const issues = new InputIssues();
      const draft = draftTicket(
        { id: randomUUID(), organizationId: caller.organizationId, createdBy: caller.userId },
        input,
        clock(),
        issues,
      );
      await checkReferences(caller, input, issues);
      issues.throwIfAny();
      return repository.open(draft, (number) => {
        const { ticket, events } = numberTicket(draft, number);
        return { value: ticket, events };
      });
    },

    async update(actor: Actor, id: string, input: TicketChangesInput): Promise<Ticket> {
      const caller = signedInUser(actor, SIGN_IN);
      const issues = new InputIssues();
      const changes = checkTicketChanges(input, issues);
      await checkReferences(caller, input, issues);
      issues.throwIfAny();
      if (!isUuid(id)) throw missing(id);
      const now = clock();
      const changed = await repository.change(caller.organizationId, id, (current) => {
        const { ticket, events } = updateTicket(current, changes, caller.userId, now);
        return { value: ticket, events };
      });
      if (!changed) throw missing(id);
      return changed;
    },

    async setStatus(
      actor: Actor,
      id: string,
      status: TicketStatus,
      resolutionNotes: string | null | undefined,
    ): Promise<Ticket> {
      const caller = signedInUser(actor, SIGN_IN);
      const issues = new InputIssues();
      const change = checkStatusChange(status, resolutionNotes, issues);
      issues.throwIfAny();
      if (!isUuid(id)) throw missing(id);
      const now = clock();
      const changed = await repository.change(caller.organizationId, id, (current) => {
        const { ticket, events } = changeTicketStatus(current, change, caller.userId, now);
        return { value: ticket, events };
      });
      if (!changed) throw missing(id);
      return changed;
    },

    async addNote(actor: Actor, ticketId: string, input: NewTicketNoteInput): Promise<TicketNote> {
      const caller = signedInUser(actor, SIGN_IN);
      const note = checkNote(input);
      if (!isUuid(ticketId)) throw missing(ticketId);
      const now = clock();
      const added = await repository.addNote(caller.organizationId, ticketId, (ticket) => {
        const { note: value, events } = addNote(
          ticket,
          note,
          { id: randomUUID(), addedBy: caller.userId },
          now,
        );
        return { value, events };
      });
      if (!added) throw missing(ticketId);
      return added;
    },

    async get(actor: Actor, id: string, load: (id: string) => Promise<Ticket | null>): Promise<Ticket> {
      organizationOf(actor, SIGN_IN);
      const ticket = await load(id);
      if (!ticket) throw missing(id);
      return ticket;
    },

    /** A page of the organization's tickets; filter ids that name no row match nothing. */
    async list(actor: Actor, filter: TicketFilter, request: PageRequest): Promise<Page<Ticket>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const issues = new InputIssues();
      for (const field of ['assigneeId', 'companyId', 'contactId'] as const) {
        const value = filter[field];
        if (value && !isUuid(value)) issues.add(`filter.${field}`, 'must be a UUID');
      }
      issues.throwIfAny();
      const { rows, totalCount } = await repository.list(organizationId, filter, request);
      return pageOf(rows, request, totalCount);
    },

    /** Pages of the tickets of many contacts at once, in the order asked. */
    async ofContacts(
      actor: Actor,
      contactIds: readonly string[],
      request: PageRequest,
    ): Promise<Array<Page<Ticket>>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      return pagesOf(contactIds, request, (ids) => repository.ofContacts(organizationId, ids, request));
    },

    /** Pages of the tickets assigned to many users at once, in the order asked. */
    async assignedTo(
      actor: Actor,
      userIds: readonly string[],
      request: PageRequest,
    ): Promise<Array<Page<Ticket>>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      return pagesOf(userIds, request, (ids) => repository.assignedTo(organizationId, ids, request));
    },

    /**
     * Pages of the notes of many tickets at once, in the order asked; internal notes only for a
     * reader holding tickets:read (see `readableVisibility`).
     */
    async notesOf(
      actor: Actor,
      ticketIds: readonly string[],
      visibility: TicketNoteVisibility,
      request: PageRequest,
    ): Promise<Array<Page<TicketNote>>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const readable = readableVisibility(visibility, holds(actor, 'tickets:read'));
      return pagesOf(ticketIds, request, (ids) => repository.notesOf(organizationId, ids, readable, request));
    },
  };
}

export type TicketOperations = ReturnType<typeof ticketOperations>;
