import { InputIssues } from '@platform/domain';
import { domainErrorOf } from '@platform/domain/testing';
import { TICKET_STATUSES } from '@platform/events/catalog';
import {
  addNote,
  canMove,
  changeTicketStatus,
  checkNote,
  checkStatusChange,
  checkTicketChanges,
  draftTicket,
  numberTicket,
  readableVisibility,
  updateTicket,
  type OpenTicketInput,
  type Ticket,
  type TicketChangesInput,
  type TicketStatus,
} from '../../src/modules/ticket/domain/ticket';
import { assigneeProblem } from '../../src/modules/contact/domain/owners';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const SIGNED_IN_USER = '5d1e8c3a-7b24-4f6e-9c0d-1a2b3c4d5e6f';
const COLLEAGUE = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const TICKET = '7f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190';
const NOTE = '3c2b1a0e-9d8c-4b7a-96f5-e4d3c2b1a098';
const CONTACT = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const OPENED = new Date('2026-11-29T09:30:00.000Z');
const LATER = new Date('2026-11-29T11:00:00.000Z');

function drafted(input: Partial<OpenTicketInput> = {}) {
  const issues = new InputIssues();
  const draft = draftTicket(
    { id: TICKET, organizationId: ORGANIZATION, createdBy: SIGNED_IN_USER },
    { title: 'Printer on fire', description: 'It is on fire.', category: 'technical', ...input },
    OPENED,
    issues,
  );
  return { draft, issues: issues.list };
}

function opened(input: Partial<OpenTicketInput> = {}): Ticket {
  return numberTicket(drafted(input).draft, 7).ticket;
}

function inStatus(status: TicketStatus): Ticket {
  return { ...opened(), status };
}

describe('opening a ticket', () => {
  it('trims title and description and fills the defaults: medium priority, status new, no time spent', () => {
    const { draft, issues } = drafted({ title: '  Printer on fire ', description: '\n It is on fire. ' });
    expect(issues).toEqual([]);
    expect(numberTicket(draft, 7).ticket).toEqual({
      id: TICKET,
      organizationId: ORGANIZATION,
      number: 7,
      companyId: null,
      contactId: null,
      title: 'Printer on fire',
      description: 'It is on fire.',
      category: 'technical',
      priority: 'medium',
      status: 'new',
      assigneeId: null,
      resolutionNotes: null,
      timeSpentMinutes: 0,
      dueDate: null,
      createdBy: SIGNED_IN_USER,
      resolvedBy: null,
      resolvedAt: null,
      createdAt: OPENED,
      updatedAt: OPENED,
    });
  });

  it('implies crm.ticket.opened.v1 with ids, enums and the number, and no text', () => {
    const { events } = numberTicket(
      drafted({ contactId: CONTACT, assigneeId: COLLEAGUE, dueDate: new Date('2026-12-24T00:00:00Z') }).draft,
      3,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'crm.ticket.opened.v1',
      subject: TICKET,
      tenantid: ORGANIZATION,
      data: {
        ticketId: TICKET,
        organizationId: ORGANIZATION,
        number: 3,
        category: 'technical',
        priority: 'medium',
        status: 'new',
        assigneeId: COLLEAGUE,
        contactId: CONTACT,
        companyId: null,
        dueDate: '2026-12-24',
        createdBy: SIGNED_IN_USER,
        createdAt: OPENED.toISOString(),
      },
    });
    expect(JSON.stringify(events)).not.toMatch(/Printer|fire/);
  });

  it('reports every problem at once, by field', () => {
    const { issues } = drafted({
      title: ' ',
      description: 'x'.repeat(20_001),
      timeSpentMinutes: -1,
      assigneeId: 'someone',
      companyId: 'acme',
      contactId: '42',
      dueDate: new Date('not a date'),
    });
    expect(issues.map((issue) => issue.path)).toEqual([
      'title',
      'description',
      'timeSpentMinutes',
      'dueDate',
      'assigneeId',
      'companyId',
      'contactId',
    ]);
  });

  it('refuses a due date in year 0, which PostgreSQL cannot store', () => {
    expect(drafted({ dueDate: new Date('0000-06-01T00:00:00Z') }).issues).toEqual([
      { path: 'dueDate', message: 'must be a valid date from 0001-01-01', code: 'invalid' },
    ]);
    expect(drafted({ dueDate: new Date('0001-01-01T00:00:00Z') }).issues).toEqual([]);
  });

  it('accepts the longest title and description, and refuses one character more', () => {
    expect(drafted({ title: 't'.repeat(200), description: 'd'.repeat(20_000) }).issues).toEqual([]);
    expect(drafted({ title: 't'.repeat(201) }).issues).toEqual([
      { path: 'title', message: 'must be 1–200 characters', code: 'invalid' },
    ]);
  });
});

describe('the status machine', () => {
  const allowed: Array<[TicketStatus, TicketStatus]> = [
    ['new', 'in_progress'],
    ['new', 'waiting_client'],
    ['new', 'resolved'],
    ['in_progress', 'waiting_client'],
    ['in_progress', 'resolved'],
    ['waiting_client', 'in_progress'],
    ['waiting_client', 'resolved'],
    ['resolved', 'in_progress'],
  ];
  const isAllowed = (from: TicketStatus, to: TicketStatus) =>
    allowed.some(([a, b]) => a === from && b === to);
  const pairs = TICKET_STATUSES.flatMap((from) => TICKET_STATUSES.map((to) => [from, to] as const));
  const refused = pairs.filter(([from, to]) => !isAllowed(from, to));

  it('has 16 pairs: 8 allowed, 8 refused', () => {
    expect(pairs).toHaveLength(16);
    expect(refused).toHaveLength(8);
  });

  it.each(allowed)('allows %s → %s', (from, to) => {
    expect(canMove(from, to)).toBe(true);
    const notes = to === 'resolved' ? 'Replaced the toner.' : null;
    const { ticket, events } = changeTicketStatus(
      inStatus(from),
      checkStatusChange(to, notes, new InputIssues()),
      COLLEAGUE,
      LATER,
    );
    expect(ticket.status).toBe(to);
    expect(ticket.updatedAt).toEqual(LATER);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'crm.ticket.status_changed.v1',
        subject: TICKET,
        data: {
          ticketId: TICKET,
          organizationId: ORGANIZATION,
          from,
          to,
          changedBy: COLLEAGUE,
          changedAt: LATER.toISOString(),
        },
      }),
    ]);
  });

  it.each(refused)('refuses %s → %s with CONFLICT naming both', (from, to) => {
    expect(canMove(from, to)).toBe(false);
    const error = domainErrorOf(() =>
      changeTicketStatus(
        inStatus(from),
        { to, resolutionNotes: to === 'resolved' ? 'x' : null },
        COLLEAGUE,
        LATER,
      ),
    );
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe(`A ticket cannot move from ${from} to ${to}`);
    expect(error.details).toEqual({ from, to });
  });

  it('records who resolved it, when and how; reopening clears all three', () => {
    const resolved = changeTicketStatus(
      inStatus('in_progress'),
      checkStatusChange('resolved', '  Replaced the toner. ', new InputIssues()),
      COLLEAGUE,
      LATER,
    ).ticket;
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolutionNotes: 'Replaced the toner.',
      resolvedBy: COLLEAGUE,
      resolvedAt: LATER,
    });
    const reopenedAt = new Date('2026-11-30T08:00:00.000Z');
    const reopened = changeTicketStatus(
      resolved,
      { to: 'in_progress', resolutionNotes: null },
      SIGNED_IN_USER,
      reopenedAt,
    );
    expect(reopened.ticket).toMatchObject({
      status: 'in_progress',
      resolutionNotes: null,
      resolvedBy: null,
      resolvedAt: null,
      updatedAt: reopenedAt,
    });
    expect(reopened.events[0]?.data).toMatchObject({ from: 'resolved', to: 'in_progress' });
  });

  it('requires resolution notes to resolve, and refuses them for any other status', () => {
    const missing = new InputIssues();
    checkStatusChange('resolved', null, missing);
    expect(missing.list).toEqual([
      { path: 'resolutionNotes', message: 'are required to resolve a ticket', code: 'required' },
    ]);
    const blank = new InputIssues();
    checkStatusChange('resolved', '   ', blank);
    expect(blank.list.map((issue) => issue.path)).toEqual(['resolutionNotes']);
    const extra = new InputIssues();
    checkStatusChange('waiting_client', 'Done', extra);
    expect(extra.list).toEqual([
      { path: 'resolutionNotes', message: 'are only given when resolving a ticket', code: 'invalid' },
    ]);
  });
});

describe('updating a ticket', () => {
  const changed = (input: TicketChangesInput, ticket = opened()) => {
    const issues = new InputIssues();
    const changes = checkTicketChanges(input, issues);
    expect(issues.list).toEqual([]);
    return updateTicket(ticket, changes, COLLEAGUE, LATER);
  };

  it('changes only the fields given and names them (never their text) in crm.ticket.updated.v1', () => {
    const { ticket, events } = changed({
      title: ' Printer smoking ',
      priority: 'critical',
      assigneeId: COLLEAGUE,
      dueDate: new Date('2026-12-01T00:00:00Z'),
    });
    expect(ticket).toMatchObject({
      title: 'Printer smoking',
      description: 'It is on fire.',
      priority: 'critical',
      category: 'technical',
      assigneeId: COLLEAGUE,
      dueDate: new Date('2026-12-01T00:00:00Z'),
      updatedAt: LATER,
      createdAt: OPENED,
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'crm.ticket.updated.v1',
      subject: TICKET,
      data: {
        ticketId: TICKET,
        changedFields: ['title', 'priority', 'dueDate', 'assigneeId'],
        category: 'technical',
        priority: 'critical',
        assigneeId: COLLEAGUE,
        contactId: null,
        companyId: null,
        updatedBy: COLLEAGUE,
        updatedAt: LATER.toISOString(),
      },
    });
    expect(JSON.stringify(events)).not.toMatch(/Printer|fire|smoking/);
  });

  it('clears the optional fields given as null', () => {
    const before = opened({
      assigneeId: COLLEAGUE,
      contactId: CONTACT,
      dueDate: new Date('2026-12-01T00:00:00Z'),
    });
    const { ticket, events } = changed({ assigneeId: null, contactId: null, dueDate: null }, before);
    expect(ticket).toMatchObject({ assigneeId: null, contactId: null, dueDate: null });
    expect(events[0]?.data.changedFields).toEqual(['dueDate', 'assigneeId', 'contactId']);
  });

  it('implies no event and keeps the ticket when nothing really changes', () => {
    const before = opened({ dueDate: new Date('2026-12-01T00:00:00Z') });
    const { ticket, events } = changed(
      { title: 'Printer on fire', category: 'technical', dueDate: new Date('2026-12-01T00:00:00Z') },
      before,
    );
    expect(events).toEqual([]);
    expect(ticket).toBe(before);
  });

  it('reports every problem at once: required fields cannot be cleared, values must be valid', () => {
    const issues = new InputIssues();
    checkTicketChanges(
      {
        title: null,
        description: '',
        category: null,
        priority: null,
        timeSpentMinutes: 1.5,
        assigneeId: 'nobody',
        contactId: 'x',
      },
      issues,
    );
    expect(issues.list.map((issue) => `${issue.path} ${issue.message}`)).toEqual([
      'title cannot be cleared',
      'description must be 1–20,000 characters',
      'category cannot be cleared',
      'priority cannot be cleared',
      'timeSpentMinutes must be a whole number of minutes, 0 or more',
      'assigneeId must be a UUID',
      'contactId must be a UUID',
    ]);
  });
});

describe('notes', () => {
  it('trims the content and refuses an empty or too long one', () => {
    expect(checkNote({ content: '  Called the client. ', isInternal: true })).toEqual({
      content: 'Called the client.',
      isInternal: true,
    });
    for (const content of ['  ', 'n'.repeat(10_001)]) {
      const error = domainErrorOf(() => checkNote({ content, isInternal: false }));
      expect(error.details).toEqual({
        issues: [{ path: 'content', message: 'must be 1–10,000 characters', code: 'invalid' }],
      });
    }
  });

  it('implies crm.ticket.note_added.v1 keyed by the ticket, with the visibility and no content', () => {
    const { note, events } = addNote(
      opened(),
      { content: 'Secret workaround', isInternal: true },
      { id: NOTE, addedBy: COLLEAGUE },
      LATER,
    );
    expect(note).toEqual({
      id: NOTE,
      organizationId: ORGANIZATION,
      ticketId: TICKET,
      content: 'Secret workaround',
      isInternal: true,
      addedBy: COLLEAGUE,
      createdAt: LATER,
    });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'crm.ticket.note_added.v1',
        subject: TICKET,
        data: {
          ticketId: TICKET,
          organizationId: ORGANIZATION,
          noteId: NOTE,
          isInternal: true,
          addedBy: COLLEAGUE,
          addedAt: LATER.toISOString(),
        },
      }),
    ]);
  });

  it('gives internal notes only to readers with tickets:read', () => {
    expect(readableVisibility('ALL', true)).toBe('ALL');
    expect(readableVisibility('CLIENT_FACING', true)).toBe('CLIENT_FACING');
    expect(readableVisibility('ALL', false)).toBe('CLIENT_FACING');
  });
});

describe('assignees', () => {
  const caller = { organizationId: ORGANIZATION, userId: SIGNED_IN_USER };
  const user = (status: string, deleted = false, organizationId = ORGANIZATION) => ({
    id: COLLEAGUE,
    organizationId,
    status,
    deleted,
  });

  it('accepts the caller, and users of the organization who are active, invited or pending', () => {
    expect(assigneeProblem(SIGNED_IN_USER, caller, null)).toBeNull();
    for (const status of ['active', 'invited', 'pending']) {
      expect(assigneeProblem(COLLEAGUE, caller, user(status))).toBeNull();
    }
  });

  it('refuses unknown and foreign users, and deactivated, suspended or deleted ones', () => {
    expect(assigneeProblem(COLLEAGUE, caller, null)).toBe('is not a user of the organization');
    expect(assigneeProblem(COLLEAGUE, caller, user('active', false, TICKET))).toBe(
      'is not a user of the organization',
    );
    for (const known of [user('inactive'), user('suspended'), user('active', true)]) {
      expect(assigneeProblem(COLLEAGUE, caller, known)).toBe('is a deactivated, suspended or deleted user');
    }
  });
});
