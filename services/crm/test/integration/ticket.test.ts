import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { startCrmService } from '../../src/service';
import { crmOptions, sealed } from '../support';

// The ticket module against real PostgreSQL through its subgraph: numbers per organization without
// gaps or duplicates under concurrent creation, the status machine, notes by visibility, assignees and
// contacts checked against the organization, other organizations' tickets not found, and events in
// the outbox that carry none of the text.

const TICKET_FIELDS = `id number title description category priority status companyId
  contact { id } assignee { id } createdBy { id } resolvedBy { id } resolvedAt resolutionNotes
  timeSpentMinutes dueDate`;

interface TicketView {
  id: string;
  number: number;
  title: string;
  status: string;
  priority: string;
  category: string;
  contact: { id: string } | null;
  assignee: { id: string } | null;
  resolvedBy: { id: string } | null;
  resolvedAt: string | null;
  resolutionNotes: string | null;
  dueDate: string | null;
  timeSpentMinutes: number;
}

interface NotesView {
  notes: { totalCount: number; edges: Array<{ node: { content: string; isInternal: boolean } }> };
}

describe('ticket module', () => {
  const subject = serviceUnderTest('crm', (env) => startCrmService(crmOptions(env.startOptions())));

  async function call<T>(auth: TestTenant & { permissions?: string[] }, query: string, variables = {}) {
    const { env, service: crm } = subject;
    return env.graphql<T>(crm.graphqlUrl, query, variables, await env.headersFor(auth));
  }

  async function open(auth: TestTenant, input: Record<string, unknown> = {}) {
    return call<{ openTicket: TicketView }>(
      auth,
      `mutation ($input: OpenTicketInput!) { openTicket(input: $input) { ${TICKET_FIELDS} } }`,
      { input: { title: 'Printer on fire', description: 'It is on fire.', category: 'technical', ...input } },
    );
  }

  async function opened(auth: TestTenant, input: Record<string, unknown> = {}): Promise<TicketView> {
    const { data, errors } = await open(auth, input);
    expect(errors).toBeUndefined();
    if (!data) throw new Error('no ticket');
    return data.openTicket;
  }

  async function setStatus(auth: TestTenant, id: string, status: string, resolutionNotes?: string) {
    return call<{ setTicketStatus: TicketView }>(
      auth,
      `mutation ($id: ID!, $status: TicketStatus!, $notes: String) {
        setTicketStatus(id: $id, status: $status, resolutionNotes: $notes) { ${TICKET_FIELDS} }
      }`,
      { id, status, notes: resolutionNotes },
    );
  }

  async function addNote(auth: TestTenant, ticketId: string, content: string, isInternal: boolean) {
    return call<{
      addTicketNote: { id: string; content: string; isInternal: boolean; addedBy: { id: string } };
    }>(
      auth,
      `mutation ($ticketId: ID!, $input: AddTicketNoteInput!) {
        addTicketNote(ticketId: $ticketId, input: $input) { id content isInternal addedBy { id } }
      }`,
      { ticketId, input: { content, isInternal } },
    );
  }

  async function knownUsers(
    organizationId: string,
    ids: readonly string[],
    status = 'active',
    deleted = false,
  ) {
    await withTenant(subject.service.database, organizationId, (tx) =>
      tx.userReference.createMany({
        data: ids.map((id) => ({ id, organizationId, status, deleted, changedAt: new Date() })),
      }),
    );
  }

  async function contactOf(organizationId: string, deleted = false): Promise<string> {
    const id = randomUUID();
    await withTenant(subject.service.database, organizationId, (tx) =>
      tx.contact.create({
        data: {
          id,
          organizationId,
          ...sealed({ id, organizationId, givenName: 'Ada' }),
          deletedAt: deleted ? new Date() : null,
        },
      }),
    );
    return id;
  }

  /** Every outbox row (domain events and audit entries) about these aggregates or organizations. */
  async function outboxPayloads(keys: readonly string[]): Promise<Array<{ type: string; payload: unknown }>> {
    const client = new Client({ connectionString: subject.env.database.ownerUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ type: string; payload: unknown }>(
        `SELECT event_type AS type, payload FROM outbox_events WHERE partition_key = ANY($1) ORDER BY seq`,
        [keys],
      );
      return rows;
    } finally {
      await client.end();
    }
  }

  describe('numbers', () => {
    it('gives 20 parallel openTicket calls the numbers 1..20 exactly, and another organization its own from 1', async () => {
      const [agency, other] = [newTenant(), newTenant()];
      const results = await Promise.all([
        ...Array.from({ length: 20 }, (_, index) => open(agency, { title: `Parallel ${index}` })),
        ...Array.from({ length: 5 }, (_, index) => open(other, { title: `Other ${index}` })),
      ]);
      expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
      const numbers = (from: number, to: number) =>
        results
          .slice(from, to)
          .map((result) => result.data?.openTicket.number ?? 0)
          .sort((a, b) => a - b);
      expect(numbers(0, 20)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
      expect(numbers(20, 25)).toEqual([1, 2, 3, 4, 5]);
      // The numbers are what is stored, and the next one follows on.
      expect((await opened(agency)).number).toBe(21);
      const listed = await call<{
        tickets: { totalCount: number; edges: Array<{ node: { number: number } }> };
      }>(agency, `{ tickets(first: 100) { totalCount edges { node { number } } } }`);
      expect(listed.data?.tickets.totalCount).toBe(21);
      expect(listed.data?.tickets.edges.map((edge) => edge.node.number).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 21 }, (_, index) => index + 1),
      );
    });

    it('gives a refused ticket no number: the next one takes it', async () => {
      const caller = newTenant();
      expect((await opened(caller)).number).toBe(1);
      const refused = await open(caller, { contactId: randomUUID() });
      expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect((await opened(caller)).number).toBe(2);
    });
  });

  describe('opening', () => {
    it('stores the ticket with its defaults, contact and assignee, and reads it back', async () => {
      const caller = newTenant();
      const colleague = randomUUID();
      await knownUsers(caller.organizationId, [colleague]);
      const contactId = await contactOf(caller.organizationId);
      const companyId = randomUUID();
      const ticket = await opened(caller, {
        title: '  Campaign stuck ',
        category: 'campaign',
        contactId,
        companyId,
        assigneeId: colleague,
        dueDate: '2026-12-24',
        timeSpentMinutes: 15,
      });
      expect(ticket).toMatchObject({
        number: 1,
        title: 'Campaign stuck',
        category: 'campaign',
        priority: 'medium',
        status: 'new',
        companyId,
        contact: { id: contactId },
        assignee: { id: colleague },
        createdBy: { id: caller.userId },
        resolvedBy: null,
        dueDate: '2026-12-24',
        timeSpentMinutes: 15,
      });
      const read = await call<{ ticket: TicketView }>(
        caller,
        `query ($id: ID!) { ticket(id: $id) { ${TICKET_FIELDS} } }`,
        {
          id: ticket.id,
        },
      );
      expect(read.data?.ticket).toEqual(ticket);
    });

    it('reports every problem of the input at once, writing nothing', async () => {
      const { env } = subject;
      const caller = newTenant();
      const before = (await env.outboxEvents()).length;
      const { errors } = await open(caller, {
        title: ' ',
        description: 'x'.repeat(20_001),
        timeSpentMinutes: -5,
        assigneeId: randomUUID(),
        contactId: 'not-a-uuid',
      });
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
      const issues = (errors?.[0]?.extensions?.details as { issues: Array<{ path: string }> }).issues;
      expect(issues.map((issue) => issue.path)).toEqual([
        'title',
        'description',
        'timeSpentMinutes',
        'contactId',
        'assigneeId',
      ]);
      expect(await env.outboxEvents()).toHaveLength(before);
    });

    it('refuses a contact of another organization and a deleted contact', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      for (const contactId of [
        await contactOf(other.organizationId),
        await contactOf(caller.organizationId, true),
      ]) {
        const { errors } = await open(caller, { contactId });
        expect(errors?.[0]?.extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          details: { issues: [{ path: 'contactId', message: 'is not a contact of the organization' }] },
        });
      }
    });
  });

  describe('assignees', () => {
    it('accepts an active user of the organization and the caller; refuses unknown, foreign, deactivated and deleted users', async () => {
      const { env } = subject;
      const [caller, stranger] = [newTenant(), newTenant()];
      const [active, foreign, inactive, suspended, deleted] = [
        randomUUID(),
        randomUUID(),
        randomUUID(),
        randomUUID(),
        randomUUID(),
      ];
      await knownUsers(caller.organizationId, [active]);
      await knownUsers(stranger.organizationId, [foreign]);
      await knownUsers(caller.organizationId, [inactive], 'inactive');
      await knownUsers(caller.organizationId, [suspended], 'suspended');
      await knownUsers(caller.organizationId, [deleted], 'active', true);
      expect((await opened(caller, { assigneeId: active })).assignee).toEqual({ id: active });
      const own = await opened(caller, { assigneeId: caller.userId });
      expect(own.assignee).toEqual({ id: caller.userId });
      const before = (await env.outboxEvents()).length;
      for (const assigneeId of [randomUUID(), foreign, inactive, suspended, deleted, stranger.userId]) {
        const opening = await open(caller, { assigneeId });
        const updating = await call(
          caller,
          `mutation ($id: ID!, $assigneeId: ID) { updateTicket(id: $id, input: { assigneeId: $assigneeId }) { id } }`,
          { id: own.id, assigneeId },
        );
        for (const { errors } of [opening, updating]) {
          expect(errors?.[0]?.extensions).toMatchObject({
            code: 'BAD_USER_INPUT',
            details: { issues: [{ path: 'assigneeId' }] },
          });
        }
      }
      expect(await env.outboxEvents()).toHaveLength(before);
    });

    it('lists the tickets assigned to each user', async () => {
      const { env, service: crm } = subject;
      const caller = newTenant();
      const colleague = randomUUID();
      await knownUsers(caller.organizationId, [colleague]);
      const first = await opened(caller, { assigneeId: colleague });
      await opened(caller);
      const second = await opened(caller, { assigneeId: colleague });
      const users = await env.entities<{
        assignedTickets: { totalCount: number; edges: Array<{ node: { id: string } }> };
      }>(
        crm.graphqlUrl,
        '... on User { assignedTickets { totalCount edges { node { id } } } }',
        caller,
        [colleague, caller.userId].map((id) => ({ __typename: 'User', id })),
      );
      expect(users.map((user) => user?.assignedTickets)).toEqual([
        { totalCount: 2, edges: [{ node: { id: second.id } }, { node: { id: first.id } }] },
        { totalCount: 0, edges: [] },
      ]);
    });
  });

  describe('status', () => {
    it('moves along the allowed transitions, records the resolution and clears it on reopen', async () => {
      const caller = newTenant();
      const { id } = await opened(caller);
      expect((await setStatus(caller, id, 'in_progress')).data?.setTicketStatus.status).toBe('in_progress');
      expect((await setStatus(caller, id, 'waiting_client')).data?.setTicketStatus.status).toBe(
        'waiting_client',
      );
      const resolved = (await setStatus(caller, id, 'resolved', 'Replaced the toner.')).data?.setTicketStatus;
      expect(resolved).toMatchObject({
        status: 'resolved',
        resolutionNotes: 'Replaced the toner.',
        resolvedBy: { id: caller.userId },
      });
      expect(resolved?.resolvedAt).toEqual(expect.any(String));
      const reopened = (await setStatus(caller, id, 'in_progress')).data?.setTicketStatus;
      expect(reopened).toMatchObject({
        status: 'in_progress',
        resolutionNotes: null,
        resolvedBy: null,
        resolvedAt: null,
      });
    });

    it('refuses a move the machine does not allow with CONFLICT naming both statuses, changing nothing', async () => {
      const { env } = subject;
      const caller = newTenant();
      const { id } = await opened(caller);
      await setStatus(caller, id, 'waiting_client');
      const before = (await env.outboxEvents()).length;
      for (const status of ['new', 'waiting_client']) {
        const { errors } = await setStatus(caller, id, status);
        expect(errors?.[0]?.message).toBe(`A ticket cannot move from waiting_client to ${status}`);
        expect(errors?.[0]?.extensions).toMatchObject({
          code: 'CONFLICT',
          details: { from: 'waiting_client', to: status },
        });
      }
      const resolving = await setStatus(caller, id, 'resolved');
      expect(resolving.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { issues: [{ path: 'resolutionNotes' }] },
      });
      expect(await env.outboxEvents()).toHaveLength(before);
      const read = await call<{ ticket: { status: string } }>(
        caller,
        `query ($id: ID!) { ticket(id: $id) { status } }`,
        { id },
      );
      expect(read.data?.ticket.status).toBe('waiting_client');
    });

    it('lets only one of two concurrent resolutions through: the other finds the ticket resolved', async () => {
      const caller = newTenant();
      const { id } = await opened(caller);
      const results = await Promise.all([
        setStatus(caller, id, 'resolved', 'First'),
        setStatus(caller, id, 'resolved', 'Second'),
      ]);
      const codes = results.map((result) => result.errors?.[0]?.extensions?.code ?? 'ok').sort();
      expect(codes).toEqual(['CONFLICT', 'ok']);
    });
  });

  describe('notes', () => {
    it('reads internal and client-facing notes, or only the client-facing ones; without tickets:read only those', async () => {
      const { env, service: crm } = subject;
      const caller = newTenant();
      const { id } = await opened(caller);
      for (const [content, isInternal] of [
        ['Internal 1', true],
        ['Client 1', false],
        ['Internal 2', true],
        ['Client 2', false],
      ] as const) {
        const { data, errors } = await addNote(caller, id, content, isInternal);
        expect(errors).toBeUndefined();
        expect(data?.addTicketNote).toMatchObject({ content, isInternal, addedBy: { id: caller.userId } });
      }
      const notes = async (visibility: string, auth: TestTenant & { permissions?: string[] } = caller) =>
        (
          await env.entities<NotesView>(
            crm.graphqlUrl,
            `... on Ticket { notes(visibility: ${visibility}) { totalCount edges { node { content isInternal } } } }`,
            auth,
            [{ __typename: 'Ticket', id }],
          )
        )[0]?.notes;
      expect(await notes('ALL')).toEqual({
        totalCount: 4,
        edges: ['Client 2', 'Internal 2', 'Client 1', 'Internal 1'].map((content) => ({
          node: { content, isInternal: content.startsWith('Internal') },
        })),
      });
      const clientFacing = {
        totalCount: 2,
        edges: ['Client 2', 'Client 1'].map((content) => ({ node: { content, isInternal: false } })),
      };
      expect(await notes('CLIENT_FACING')).toEqual(clientFacing);
      // A reader without tickets:read (what a client-portal role will be) asks for all, gets client-facing.
      expect(await notes('ALL', { ...caller, permissions: ['contacts:read'] })).toEqual(clientFacing);
    });

    it('refuses an empty note, and a note on a missing ticket with NOT_FOUND', async () => {
      const caller = newTenant();
      const { id } = await opened(caller);
      const empty = await addNote(caller, id, '   ', true);
      expect(empty.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { issues: [{ path: 'content' }] },
      });
      const missing = await addNote(caller, randomUUID(), 'Hello', false);
      expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });
  });

  describe('another organization', () => {
    it('does not find a ticket of another organization, to read or to change', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      const foreign = await opened(other);
      const attempts = await Promise.all([
        call(caller, `query ($id: ID!) { ticket(id: $id) { id } }`, { id: foreign.id }),
        call(caller, `mutation ($id: ID!) { updateTicket(id: $id, input: { title: "Mine" }) { id } }`, {
          id: foreign.id,
        }),
        setStatus(caller, foreign.id, 'in_progress'),
        addNote(caller, foreign.id, 'Sneaky', false),
        call(caller, `query ($id: ID!) { ticket(id: $id) { id } }`, { id: 'not-a-uuid' }),
      ]);
      for (const { errors } of attempts) expect(errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const listed = await call<{ tickets: { totalCount: number } }>(caller, `{ tickets { totalCount } }`);
      expect(listed.data?.tickets.totalCount).toBe(0);
      // Still as it was for its own organization.
      const own = await call<{ ticket: TicketView }>(
        other,
        `query ($id: ID!) { ticket(id: $id) { title status } }`,
        {
          id: foreign.id,
        },
      );
      expect(own.data?.ticket).toEqual({ title: 'Printer on fire', status: 'new' });
    });
  });

  describe('lists', () => {
    it('filters by status, priority, category, assignee and contact, newest first, page by page', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      const low = await opened(caller, { priority: 'low', category: 'billing' });
      const urgent = await opened(caller, { priority: 'critical', contactId });
      const assigned = await opened(caller, { priority: 'critical', assigneeId: caller.userId });
      await setStatus(caller, assigned.id, 'in_progress');
      const list = async (filter: Record<string, unknown>, first = 10, after?: string) =>
        (
          await call<{
            tickets: {
              totalCount: number;
              pageInfo: { hasNextPage: boolean; endCursor: string | null };
              edges: Array<{ node: { id: string } }>;
            };
          }>(
            caller,
            `query ($filter: TicketFilter, $first: Int, $after: String) {
              tickets(filter: $filter, first: $first, after: $after) {
                totalCount pageInfo { hasNextPage endCursor } edges { node { id } }
              }
            }`,
            { filter, first, after },
          )
        ).data?.tickets;
      const ids = (page: Awaited<ReturnType<typeof list>>) => page?.edges.map((edge) => edge.node.id);
      expect(ids(await list({}))).toEqual([assigned.id, urgent.id, low.id]);
      expect(ids(await list({ priority: ['critical'] }))).toEqual([assigned.id, urgent.id]);
      expect(ids(await list({ status: ['new'], priority: ['critical'] }))).toEqual([urgent.id]);
      expect(ids(await list({ category: ['billing', 'general'] }))).toEqual([low.id]);
      expect(ids(await list({ assigneeId: caller.userId }))).toEqual([assigned.id]);
      expect(ids(await list({ contactId }))).toEqual([urgent.id]);
      expect(ids(await list({ companyId: randomUUID() }))).toEqual([]);
      const first = await list({}, 2);
      expect(first).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
      const rest = await list({}, 2, first?.pageInfo.endCursor ?? undefined);
      expect(rest).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: false } });
      expect(ids(rest)).toEqual([low.id]);
    });

    it('lists a contact’s tickets', async () => {
      const { env, service: crm } = subject;
      const caller = newTenant();
      const [ada, grace] = [await contactOf(caller.organizationId), await contactOf(caller.organizationId)];
      const first = await opened(caller, { contactId: ada });
      const second = await opened(caller, { contactId: ada });
      const contacts = await env.entities<{
        tickets: { totalCount: number; edges: Array<{ node: { id: string } }> };
      }>(
        crm.graphqlUrl,
        '... on Contact { tickets { totalCount edges { node { id } } } }',
        caller,
        [ada, grace].map((id) => ({ __typename: 'Contact', id })),
      );
      expect(contacts.map((contact) => contact?.tickets)).toEqual([
        { totalCount: 2, edges: [{ node: { id: second.id } }, { node: { id: first.id } }] },
        { totalCount: 0, edges: [] },
      ]);
    });
  });

  describe('events', () => {
    it('writes each change’s event to the outbox keyed by the ticket, with none of the text', async () => {
      const caller = newTenant();
      const colleague = randomUUID();
      await knownUsers(caller.organizationId, [colleague]);
      const secrets = [
        'Secret title Zanzibar',
        'Secret description Quagmire',
        'Renamed title Xylophone',
        'Internal note Wombat',
        'Client note Kumquat',
        'Resolution Marzipan',
      ];
      const { id } = await opened(caller, { title: secrets[0], description: secrets[1] });
      const update = await call(
        caller,
        `mutation ($id: ID!, $title: String) { updateTicket(id: $id, input: { title: $title, priority: high, assigneeId: "${colleague}" }) { id } }`,
        { id, title: secrets[2] },
      );
      expect(update.errors).toBeUndefined();
      expect((await addNote(caller, id, secrets[3] ?? '', true)).errors).toBeUndefined();
      expect((await addNote(caller, id, secrets[4] ?? '', false)).errors).toBeUndefined();
      expect((await setStatus(caller, id, 'resolved', secrets[5])).errors).toBeUndefined();

      const { env } = subject;
      expect((await env.outboxEvents()).filter((event) => event.subject === id)).toEqual(
        [
          'crm.ticket.opened.v1',
          'crm.ticket.updated.v1',
          'crm.ticket.note_added.v1',
          'crm.ticket.note_added.v1',
          'crm.ticket.status_changed.v1',
        ].map((type) => ({ type, subject: id })),
      );
      const rows = await outboxPayloads([id, caller.organizationId]);
      const ticketEvents = rows.filter((row) => row.type.startsWith('crm.ticket.'));
      expect(ticketEvents.map((row) => row.payload)).toMatchObject([
        { data: { ticketId: id, number: 1, status: 'new', createdBy: caller.userId } },
        {
          data: {
            changedFields: ['title', 'priority', 'assigneeId'],
            priority: 'high',
            assigneeId: colleague,
          },
        },
        { data: { isInternal: true, addedBy: caller.userId } },
        { data: { isInternal: false, addedBy: caller.userId } },
        { data: { from: 'new', to: 'resolved', changedBy: caller.userId } },
      ]);
      // Nothing in the outbox (events and their audit entries) carries any of the text.
      expect(rows.length).toBeGreaterThanOrEqual(10);
      const written = JSON.stringify(rows);
      for (const secret of secrets) expect(written).not.toContain(secret.split(' ').pop());
    });
  });
});
