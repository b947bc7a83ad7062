import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { startCrmService } from '../../src/service';
import { crmOptions, sealed } from '../support';

// The task module against real PostgreSQL through its subgraph: tasks created, changed, completed,
// reopened, moved and deleted; checklists that stay 0..n-1 under concurrent moves and when tasks come
// and go; "my open tasks" by due time with undated ones last, page by page; other organizations' tasks
// not found; and events in the outbox that carry none of the text.

const TASK_FIELDS = `id title description priority status companyId dealId contact { id } assignee { id }
  dueAt completedBy { id } completedAt stage sortOrder createdBy { id }`;

interface TaskView {
  id: string;
  title: string;
  description: string | null;
  priority: string;
  status: string;
  companyId: string | null;
  contact: { id: string } | null;
  assignee: { id: string } | null;
  dueAt: string | null;
  completedBy: { id: string } | null;
  completedAt: string | null;
  stage: string | null;
  sortOrder: number | null;
}

describe('task module', () => {
  const subject = serviceUnderTest('crm', (env) => startCrmService(crmOptions(env.startOptions())));

  async function call<T>(auth: TestTenant, query: string, variables = {}) {
    const { env, service: crm } = subject;
    return env.graphql<T>(crm.graphqlUrl, query, variables, await env.headersFor(auth));
  }

  async function create(auth: TestTenant, input: Record<string, unknown> = {}) {
    return call<{ createTask: TaskView }>(
      auth,
      `mutation ($input: CreateTaskInput!) { createTask(input: $input) { ${TASK_FIELDS} } }`,
      { input: { title: 'Call back', ...input } },
    );
  }

  async function created(auth: TestTenant, input: Record<string, unknown> = {}): Promise<TaskView> {
    const { data, errors } = await create(auth, input);
    expect(errors).toBeUndefined();
    if (!data) throw new Error('no task');
    return data.createTask;
  }

  /** completeTask or reopenTask. */
  async function mutate(auth: TestTenant, field: 'completeTask' | 'reopenTask', id: string) {
    return call<Record<string, TaskView>>(
      auth,
      `mutation ($id: ID!) { ${field}(id: $id) { ${TASK_FIELDS} } }`,
      {
        id,
      },
    );
  }

  const move = (auth: TestTenant, id: string, position: number) =>
    call<{ moveTask: TaskView }>(
      auth,
      `mutation ($id: ID!, $position: Int!) { moveTask(id: $id, position: $position) { ${TASK_FIELDS} } }`,
      { id, position },
    );

  async function checklist(auth: TestTenant, stage: string, companyId?: string) {
    const { data, errors } = await call<{ checklist: Array<{ id: string; sortOrder: number }> }>(
      auth,
      `query ($companyId: ID, $stage: String!) { checklist(companyId: $companyId, stage: $stage) { id sortOrder } }`,
      { companyId, stage },
    );
    expect(errors).toBeUndefined();
    return data?.checklist ?? [];
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

  async function knownUsers(organizationId: string, ids: readonly string[], status = 'active') {
    await withTenant(subject.service.database, organizationId, (tx) =>
      tx.userReference.createMany({
        data: ids.map((id) => ({ id, organizationId, status, changedAt: new Date() })),
      }),
    );
  }

  describe('lifecycle', () => {
    it('creates a task on a contact, changes it, completes, reopens and deletes it', async () => {
      const caller = newTenant();
      const colleague = randomUUID();
      await knownUsers(caller.organizationId, [colleague]);
      const contactId = await contactOf(caller.organizationId);
      const [companyId, dealId] = [randomUUID(), randomUUID()];
      const task = await created(caller, {
        title: '  Send the proposal ',
        description: 'With the new prices.',
        contactId,
        companyId,
        dealId,
        assigneeId: colleague,
        dueAt: '2026-12-01T09:00:00.000Z',
      });
      expect(task).toMatchObject({
        title: 'Send the proposal',
        description: 'With the new prices.',
        priority: 'medium',
        status: 'open',
        companyId,
        dealId,
        contact: { id: contactId },
        assignee: { id: colleague },
        dueAt: '2026-12-01T09:00:00.000Z',
        completedBy: null,
        stage: null,
        sortOrder: null,
        createdBy: { id: caller.userId },
      });

      const updated = await call<{ updateTask: TaskView }>(
        caller,
        `mutation ($id: ID!) { updateTask(id: $id, input: { priority: urgent, description: null, dueAt: null, assigneeId: null }) { ${TASK_FIELDS} } }`,
        { id: task.id },
      );
      expect(updated.data?.updateTask).toMatchObject({
        priority: 'urgent',
        description: null,
        dueAt: null,
        assignee: null,
        contact: { id: contactId },
      });

      const completed = await mutate(caller, 'completeTask', task.id);
      expect(completed.data?.completeTask).toMatchObject({
        status: 'completed',
        completedBy: { id: caller.userId },
      });
      expect(completed.data?.completeTask?.completedAt).toEqual(expect.any(String));
      const again = await mutate(caller, 'completeTask', task.id);
      expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');

      const reopened = await mutate(caller, 'reopenTask', task.id);
      expect(reopened.data?.reopenTask).toMatchObject({
        status: 'open',
        completedBy: null,
        completedAt: null,
      });
      const reopenedAgain = await mutate(caller, 'reopenTask', task.id);
      expect(reopenedAgain.errors?.[0]?.extensions?.code).toBe('CONFLICT');

      const deleted = await call<{ deleteTask: string }>(
        caller,
        `mutation ($id: ID!) { deleteTask(id: $id) }`,
        {
          id: task.id,
        },
      );
      expect(deleted.data?.deleteTask).toBe(task.id);
      const read = await call(caller, `query ($id: ID!) { task(id: $id) { id } }`, { id: task.id });
      expect(read.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });

    it('reports every problem of the input at once, writing nothing', async () => {
      const { env } = subject;
      const [caller, other] = [newTenant(), newTenant()];
      const before = (await env.outboxEvents()).length;
      const { errors } = await create(caller, {
        title: ' ',
        description: 'x'.repeat(10_001),
        stage: 'x'.repeat(65),
        companyId: 'not-a-uuid',
        assigneeId: randomUUID(),
        contactId: await contactOf(other.organizationId),
      });
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
      const issues = (errors?.[0]?.extensions?.details as { issues: Array<{ path: string }> }).issues;
      expect(issues.map((issue) => issue.path)).toEqual([
        'title',
        'description',
        'stage',
        'companyId',
        'assigneeId',
        'contactId',
      ]);
      const deletedContact = await create(caller, {
        contactId: await contactOf(caller.organizationId, true),
      });
      expect(deletedContact.errors?.[0]?.extensions).toMatchObject({
        details: { issues: [{ path: 'contactId', message: 'is not a contact of the organization' }] },
      });
      expect(await env.outboxEvents()).toHaveLength(before);
    });

    it('answers NOT_FOUND for another organization’s task, whatever is asked of it', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      const foreign = await created(other, { stage: 'Onboarding' });
      const results = [
        await call(caller, `query ($id: ID!) { task(id: $id) { id } }`, { id: foreign.id }),
        await call(caller, `mutation ($id: ID!) { updateTask(id: $id, input: { title: "Mine" }) { id } }`, {
          id: foreign.id,
        }),
        await mutate(caller, 'completeTask', foreign.id),
        await move(caller, foreign.id, 0),
        await call(caller, `mutation ($id: ID!) { deleteTask(id: $id) }`, { id: foreign.id }),
        await mutate(caller, 'completeTask', 'not-a-uuid'),
      ];
      expect(results.map((result) => result.errors?.[0]?.extensions?.code)).toEqual(
        Array(6).fill('NOT_FOUND'),
      );
      // Untouched: its own organization still reads it as it was.
      const own = await call<{ task: TaskView }>(
        other,
        `query ($id: ID!) { task(id: $id) { ${TASK_FIELDS} } }`,
        {
          id: foreign.id,
        },
      );
      expect(own.data?.task).toEqual(foreign);
    });
  });

  describe('checklists', () => {
    it('puts new tasks at the end, moves within the checklist and closes up when tasks leave', async () => {
      const caller = newTenant();
      const companyId = randomUUID();
      const [a, b, c, d] = [
        await created(caller, { title: 'A', stage: 'Onboarding', companyId }),
        await created(caller, { title: 'B', stage: 'Onboarding', companyId }),
        await created(caller, { title: 'C', stage: 'Onboarding', companyId }),
        await created(caller, { title: 'D', stage: 'Onboarding', companyId }),
      ];
      // Another company's checklist of the same stage, and the company-less one, are others.
      const elsewhere = await created(caller, { stage: 'Onboarding', companyId: randomUUID() });
      const companyless = await created(caller, { stage: 'Onboarding' });
      expect([a, b, c, d, elsewhere, companyless].map((task) => task.sortOrder)).toEqual([0, 1, 2, 3, 0, 0]);
      const ids = async () => (await checklist(caller, 'Onboarding', companyId)).map((task) => task.id);

      expect((await move(caller, d.id, 0)).data?.moveTask.sortOrder).toBe(0);
      expect(await ids()).toEqual([d.id, a.id, b.id, c.id]);
      // Clamped to the last place.
      expect((await move(caller, d.id, 99)).data?.moveTask.sortOrder).toBe(3);
      expect(await ids()).toEqual([a.id, b.id, c.id, d.id]);
      expect((await move(caller, a.id, -5)).data?.moveTask.sortOrder).toBe(0);

      // Leaving by a change of stage: the rest close up, the task goes to the end of the new checklist.
      const moved = await call<{ updateTask: TaskView }>(
        caller,
        `mutation ($id: ID!) { updateTask(id: $id, input: { stage: "Live" }) { stage sortOrder } }`,
        { id: b.id },
      );
      expect(moved.data?.updateTask).toEqual({ stage: 'Live', sortOrder: 0 });
      expect(await checklist(caller, 'Onboarding', companyId)).toEqual([
        { id: a.id, sortOrder: 0 },
        { id: c.id, sortOrder: 1 },
        { id: d.id, sortOrder: 2 },
      ]);
      // Leaving by deletion, and by losing the stage.
      await call(caller, `mutation ($id: ID!) { deleteTask(id: $id) }`, { id: a.id });
      const unstaged = await call<{ updateTask: TaskView }>(
        caller,
        `mutation ($id: ID!) { updateTask(id: $id, input: { stage: null }) { stage sortOrder } }`,
        { id: c.id },
      );
      expect(unstaged.data?.updateTask).toEqual({ stage: null, sortOrder: null });
      expect(await checklist(caller, 'Onboarding', companyId)).toEqual([{ id: d.id, sortOrder: 0 }]);
      expect(await checklist(caller, 'Onboarding')).toEqual([{ id: companyless.id, sortOrder: 0 }]);

      const outside = await move(caller, c.id, 0);
      expect(outside.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    });

    it('keeps a 10-task checklist exactly 0..9 under 20 concurrent moves', async () => {
      const caller = newTenant();
      const companyId = randomUUID();
      const tasks: TaskView[] = [];
      for (let index = 0; index < 10; index += 1)
        tasks.push(await created(caller, { title: `Step ${index}`, stage: 'Setup', companyId }));
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          move(caller, tasks[(index * 7) % 10]?.id ?? '', (index * 3) % 10),
        ),
      );
      expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
      const after = await checklist(caller, 'Setup', companyId);
      expect(after.map((task) => task.sortOrder)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(new Set(after.map((task) => task.id))).toEqual(new Set(tasks.map((task) => task.id)));
      // What is stored, not only what the list shows (a list orders by sortOrder then id, hiding ties).
      const stored = await withTenant(subject.service.database, caller.organizationId, (tx) =>
        tx.task.findMany({
          where: { companyId },
          orderBy: { sortOrder: 'asc' },
          select: { sortOrder: true },
        }),
      );
      expect(stored.map((row) => row.sortOrder)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('refuses two tasks at one place of a checklist at commit, whatever writes them', async () => {
      const caller = newTenant();
      const first = await created(caller, { stage: 'Backstop' });
      const second = await created(caller, { stage: 'Backstop' });
      const { organizationId } = caller;
      const duplicate = withTenant(subject.service.database, organizationId, (tx) =>
        tx.task.update({ where: { id: second.id }, data: { sortOrder: 0 } }),
      );
      await expect(duplicate).rejects.toThrow(/tasks_checklist_place_unique/);
      // Passing through a duplicate inside a transaction is fine when the order is whole at commit.
      await withTenant(subject.service.database, organizationId, async (tx) => {
        await tx.task.update({ where: { id: second.id }, data: { sortOrder: 0 } });
        await tx.task.update({ where: { id: first.id }, data: { sortOrder: 1 } });
      });
      expect((await checklist(caller, 'Backstop')).map((task) => task.id)).toEqual([second.id, first.id]);
    });

    it('gives tasks created concurrently in one checklist distinct places 0..n-1', async () => {
      const caller = newTenant();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => create(caller, { stage: 'Parallel' })),
      );
      expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
      expect((await checklist(caller, 'Parallel')).map((task) => task.sortOrder)).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
      ]);
    });
  });

  describe('lists', () => {
    it('lists my open tasks soonest due first, undated last, page by page', async () => {
      const caller = newTenant();
      const colleague = randomUUID();
      await knownUsers(caller.organizationId, [colleague]);
      const undatedA = await created(caller, { assigneeId: caller.userId });
      const late = await created(caller, { assigneeId: caller.userId, dueAt: '2027-03-01T00:00:00.000Z' });
      const soon = await created(caller, { assigneeId: caller.userId, dueAt: '2026-12-01T00:00:00.000Z' });
      const undatedB = await created(caller, { assigneeId: caller.userId });
      const sameTime = await created(caller, {
        assigneeId: caller.userId,
        dueAt: '2027-03-01T00:00:00.000Z',
      });
      const done = await created(caller, { assigneeId: caller.userId, dueAt: '2026-01-01T00:00:00.000Z' });
      await mutate(caller, 'completeTask', done.id);
      await created(caller, { assigneeId: colleague, dueAt: '2026-01-01T00:00:00.000Z' });
      await created(caller);

      const byId = (x: TaskView, y: TaskView) => (x.id < y.id ? -1 : 1);
      const expected = [soon, ...[late, sameTime].sort(byId), ...[undatedA, undatedB].sort(byId)].map(
        (task) => task.id,
      );
      const page = async (first: number, after?: string) =>
        (
          await call<{
            myOpenTasks: {
              totalCount: number;
              pageInfo: { hasNextPage: boolean; endCursor: string | null };
              edges: Array<{ node: { id: string } }>;
            };
          }>(
            caller,
            `query ($first: Int, $after: String) {
              myOpenTasks(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } }
            }`,
            { first, after },
          )
        ).data?.myOpenTasks;
      const all = await page(10);
      expect(all?.edges.map((edge) => edge.node.id)).toEqual(expected);
      expect(all?.totalCount).toBe(5);
      // Two at a time, across the dated/undated boundary.
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let index = 0; index < 3; index += 1) {
        const next = await page(2, cursor);
        seen.push(...(next?.edges.map((edge) => edge.node.id) ?? []));
        expect(next?.pageInfo.hasNextPage).toBe(index < 2);
        cursor = next?.pageInfo.endCursor ?? undefined;
      }
      expect(seen).toEqual(expected);
      const wrong = await call(caller, `{ myOpenTasks(after: "bm90LWEtY3Vyc29y") { totalCount } }`);
      expect(wrong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('filters the organization’s tasks and lists a contact’s and a user’s tasks', async () => {
      const { env, service: crm } = subject;
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      const dealId = randomUUID();
      const onContact = await created(caller, { contactId, assigneeId: caller.userId });
      const onDeal = await created(caller, { dealId, dueAt: '2026-06-01T00:00:00.000Z', stage: 'Won' });
      const completed = await created(caller, { contactId });
      await mutate(caller, 'completeTask', completed.id);
      const list = async (filter: Record<string, unknown>) =>
        (
          await call<{ tasks: { totalCount: number; edges: Array<{ node: { id: string } }> } }>(
            caller,
            `query ($filter: TaskFilter) { tasks(filter: $filter) { totalCount edges { node { id } } } }`,
            { filter },
          )
        ).data?.tasks.edges.map((edge) => edge.node.id);
      expect(await list({})).toEqual([completed.id, onDeal.id, onContact.id]);
      expect(await list({ status: 'open' })).toEqual([onDeal.id, onContact.id]);
      expect(await list({ contactId })).toEqual([completed.id, onContact.id]);
      expect(await list({ assigneeId: caller.userId })).toEqual([onContact.id]);
      expect(await list({ dealId })).toEqual([onDeal.id]);
      expect(await list({ stage: 'Won' })).toEqual([onDeal.id]);
      expect(await list({ dueBefore: '2026-06-01T00:00:01.000Z' })).toEqual([onDeal.id]);
      expect(await list({ dueBefore: '2026-06-01T00:00:00.000Z' })).toEqual([]);
      expect(await list({ companyId: randomUUID() })).toEqual([]);

      const [contact] = await env.entities<{ tasks: { totalCount: number } }>(
        crm.graphqlUrl,
        '... on Contact { tasks { totalCount } }',
        caller,
        [{ __typename: 'Contact', id: contactId }],
      );
      expect(contact?.tasks.totalCount).toBe(2);
      const [user] = await env.entities<{ assignedTasks: { edges: Array<{ node: { id: string } }> } }>(
        crm.graphqlUrl,
        '... on User { assignedTasks { edges { node { id } } } }',
        caller,
        [{ __typename: 'User', id: caller.userId }],
      );
      expect(user?.assignedTasks.edges).toEqual([{ node: { id: onContact.id } }]);
    });
  });

  describe('events', () => {
    it('writes each change’s event to the outbox keyed by the task, with none of the text', async () => {
      const caller = newTenant();
      const secrets = [
        'Secret title Zanzibar',
        'Secret description Quagmire',
        'Stage Xylophone',
        'Renamed Wombat',
      ];
      const task = await created(caller, { title: secrets[0], description: secrets[1], stage: secrets[2] });
      const other = await created(caller, { stage: secrets[2] });
      await call(
        caller,
        `mutation ($id: ID!, $title: String) { updateTask(id: $id, input: { title: $title, priority: high }) { id } }`,
        {
          id: task.id,
          title: secrets[3],
        },
      );
      await move(caller, task.id, 1);
      await mutate(caller, 'completeTask', task.id);
      await mutate(caller, 'reopenTask', task.id);
      await call(caller, `mutation ($id: ID!) { deleteTask(id: $id) }`, { id: task.id });

      const { env } = subject;
      expect((await env.outboxEvents()).filter((event) => event.subject === task.id)).toEqual(
        [
          'crm.task.created.v1',
          'crm.task.updated.v1',
          'crm.task.updated.v1',
          'crm.task.completed.v1',
          'crm.task.reopened.v1',
          'crm.task.deleted.v1',
        ].map((type) => ({ type, subject: task.id })),
      );
      const client = new Client({ connectionString: env.database.ownerUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ type: string; payload: unknown }>(
          `SELECT event_type AS type, payload FROM outbox_events WHERE partition_key = ANY($1) ORDER BY seq`,
          [[task.id, other.id, caller.organizationId]],
        );
        const taskEvents = rows.filter((row) => row.type.startsWith('crm.task.'));
        expect(taskEvents.map((row) => row.payload)).toMatchObject([
          { data: { taskId: task.id, status: 'open', sortOrder: 0, createdBy: caller.userId } },
          { data: { taskId: other.id, sortOrder: 1 } },
          { data: { changedFields: ['title', 'priority'], priority: 'high', updatedBy: caller.userId } },
          { data: { changedFields: ['sortOrder'], sortOrder: 1 } },
          { data: { completedBy: caller.userId } },
          { data: { reopenedBy: caller.userId } },
          { data: { deletedBy: caller.userId } },
        ]);
        // Nothing in the outbox (events and their audit entries) carries any of the text.
        expect(rows.length).toBeGreaterThanOrEqual(14);
        const written = JSON.stringify(rows);
        for (const secret of secrets) expect(written).not.toContain(secret.split(' ').pop());
      } finally {
        await client.end();
      }
    });
  });
});
