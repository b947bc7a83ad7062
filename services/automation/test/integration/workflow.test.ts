import { randomUUID } from 'node:crypto';
import { tenantDatabase, withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { changeStatus, createWorkflow } from '../../src/modules/workflow/domain/workflow';
import { workflowRepository } from '../../src/modules/workflow/infra/workflow-repository';
import { startAutomationService } from '../../src/service';

// The workflow module against real PostgreSQL: its resolvers through the subgraph and its repository,
// which writes each change and the events the domain decided in one tenant transaction.

const TRIGGER = 'crm.contact.created.v1';
const CREATED = 'automation.workflow.created.v1';
const STATUS_CHANGED = 'automation.workflow.status_changed.v1';
const WORKFLOW_FIELDS = 'id name description triggerEventType status version createdAt updatedAt';

interface WorkflowView {
  id: string;
  name: string;
  status: string;
  version: number;
}

describe('workflow module', () => {
  const statements: string[] = [];
  const subject = serviceUnderTest('automation', (env) =>
    startAutomationService({ ...env.startOptions(), onQuery: (sql) => statements.push(sql) }),
  );

  type Caller = TestTenant | Record<string, never>;

  async function call<T>(caller: Caller, query: string, variables: Record<string, unknown> = {}) {
    const { env, service: automation } = subject;
    return env.graphql<T>(automation.graphqlUrl, query, variables, await env.headersFor(caller));
  }

  async function create(caller: Caller, input: Record<string, unknown>): Promise<WorkflowView> {
    const result = await call<{ createWorkflow: WorkflowView }>(
      caller,
      `mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { ${WORKFLOW_FIELDS} } }`,
      { input: { name: 'Welcome new leads', triggerEventType: TRIGGER, ...input } },
    );
    expect(result.errors).toBeUndefined();
    const workflow = result.data?.createWorkflow;
    if (!workflow) throw new Error('createWorkflow answered no workflow');
    return workflow;
  }

  const setStatus = (caller: Caller, id: string, status: string) =>
    call<{ setWorkflowStatus: WorkflowView }>(
      caller,
      `mutation($id: ID!, $status: WorkflowStatus!) { setWorkflowStatus(id: $id, status: $status) { id status version } }`,
      { id, status },
    );

  /** The outbox rows about one workflow, oldest first. */
  const outboxOf = (workflowId: string) =>
    subject.service.database.outboxEvent.findMany({
      where: { partitionKey: workflowId },
      orderBy: { seq: 'asc' },
    });

  const storedWorkflow = (organizationId: string, id: string) =>
    withTenant(subject.service.database, organizationId, (tx) => tx.workflow.findUnique({ where: { id } }));

  const repository = () =>
    workflowRepository(tenantDatabase(subject.service.database, { notify: () => undefined }));

  describe('createWorkflow', () => {
    it('stores the workflow and exactly one automation.workflow.created.v1 outbox row', async () => {
      const caller = newTenant();
      const workflow = await create(caller, {
        description: ' Sends the welcome sequence ',
        status: 'active',
      });
      expect(workflow).toMatchObject({
        name: 'Welcome new leads',
        description: 'Sends the welcome sequence',
        status: 'active',
        version: 1,
      });
      expect(await storedWorkflow(caller.organizationId, workflow.id)).toMatchObject({
        organizationId: caller.organizationId,
        status: 'active',
        version: 1,
        createdBy: caller.userId,
      });
      const outbox = await outboxOf(workflow.id);
      expect(outbox.map((row) => [row.eventType, row.topic])).toEqual([[CREATED, 'automation.workflow']]);
      expect(outbox[0]?.payload).toMatchObject({
        type: CREATED,
        subject: workflow.id,
        tenantid: caller.organizationId,
        data: {
          workflowId: workflow.id,
          organizationId: caller.organizationId,
          triggerEventType: TRIGGER,
          status: 'active',
          version: 1,
          createdBy: caller.userId,
        },
      });
    });

    it('writes nothing for refused input, reporting every field at once', async () => {
      const automation = subject.service;
      const caller = newTenant();
      const before = (await subject.env.outboxEvents()).length;
      const result = await call(
        caller,
        `mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }`,
        { input: { name: ' ', triggerEventType: 'crm.contact.created', status: 'archived' } },
      );
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { issues: [{ path: 'name' }, { path: 'triggerEventType' }, { path: 'status' }] },
      });
      const count = await withTenant(automation.database, caller.organizationId, (tx) => tx.workflow.count());
      expect(count).toBe(0);
      expect(await subject.env.outboxEvents()).toHaveLength(before);
      expect(await subject.env.auditEntries(caller.organizationId)).toEqual([
        expect.objectContaining({ action: 'automation.createWorkflow', outcome: 'failure' }),
      ]);
    });

    it('rolls the workflow back when its events cannot be stored (one transaction)', async () => {
      const caller = newTenant();
      const { workflow, events } = createWorkflow(
        { id: randomUUID(), organizationId: caller.organizationId, createdBy: caller.userId },
        { name: 'Doomed', triggerEventType: TRIGGER },
        [TRIGGER],
        new Date(),
      );
      // The same event twice: the second outbox row violates its primary key after the insert ran.
      await expect(repository().create(workflow, [...events, ...events])).rejects.toThrow();
      expect(await storedWorkflow(caller.organizationId, workflow.id)).toBeNull();
      expect(await outboxOf(workflow.id)).toEqual([]);
    });
  });

  describe('setWorkflowStatus', () => {
    it('writes exactly one status_changed row per real change, none for the same status or a refused move', async () => {
      const caller = newTenant();
      const { id } = await create(caller, { status: 'active' });

      const paused = await setStatus(caller, id, 'paused');
      expect(paused.data?.setWorkflowStatus).toEqual({ id, status: 'paused', version: 2 });
      const again = await setStatus(caller, id, 'paused');
      expect(again.data?.setWorkflowStatus).toEqual({ id, status: 'paused', version: 2 });
      const archived = await setStatus(caller, id, 'archived');
      expect(archived.data?.setWorkflowStatus).toEqual({ id, status: 'archived', version: 3 });
      const refused = await setStatus(caller, id, 'active');
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { issues: [{ path: 'status', code: 'invalid_transition' }] },
      });

      const outbox = await outboxOf(id);
      expect(outbox.map((row) => row.eventType)).toEqual([CREATED, STATUS_CHANGED, STATUS_CHANGED]);
      expect(outbox.slice(1).map((row) => row.payload)).toMatchObject([
        { data: { from: 'active', to: 'paused', version: 2, changedBy: caller.userId } },
        { data: { from: 'paused', to: 'archived', version: 3, changedBy: caller.userId } },
      ]);
      expect(await storedWorkflow(caller.organizationId, id)).toMatchObject({
        status: 'archived',
        version: 3,
      });
    });

    it('stores nothing when the workflow changed since it was read (stale version)', async () => {
      const caller = newTenant();
      const { id } = await create(caller, { status: 'active' });
      const [read] = await repository().byIds(caller.organizationId, [id]);
      if (!read) throw new Error('workflow not found');
      await setStatus(caller, id, 'paused');
      const { workflow, events } = changeStatus(read, 'archived', caller.userId, new Date());
      await expect(repository().update(workflow, read.version, events)).resolves.toBeNull();
      expect(await storedWorkflow(caller.organizationId, id)).toMatchObject({ status: 'paused', version: 2 });
      expect((await outboxOf(id)).map((row) => row.eventType)).toEqual([CREATED, STATUS_CHANGED]);
    });

    it('keeps every change and its event together when two changes race', async () => {
      const caller = newTenant();
      const { id } = await create(caller, { status: 'active' });
      const answers = await Promise.all([setStatus(caller, id, 'paused'), setStatus(caller, id, 'archived')]);
      const succeeded = answers.filter((answer) => answer.data?.setWorkflowStatus);
      for (const answer of answers.filter((item) => item.errors)) {
        expect(['CONFLICT', 'BAD_USER_INPUT']).toContain(answer.errors?.[0]?.extensions?.code);
      }
      const stored = await storedWorkflow(caller.organizationId, id);
      expect(stored?.version).toBe(1 + succeeded.length);
      const changes = (await outboxOf(id)).filter((row) => row.eventType === STATUS_CHANGED);
      expect(changes).toHaveLength(succeeded.length);
    });

    it('answers NOT_FOUND for another organization’s workflow and a malformed id, writing nothing', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      const { id } = await create(other, { status: 'active' });
      for (const target of [id, 'not-a-uuid', randomUUID()]) {
        const answer = await setStatus(caller, target, 'paused');
        expect(answer.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      }
      expect(await storedWorkflow(other.organizationId, id)).toMatchObject({ status: 'active', version: 1 });
      expect((await outboxOf(id)).map((row) => row.eventType)).toEqual([CREATED]);
    });
  });

  describe('queries', () => {
    it('lists the organization’s workflows newest first and reads one by id', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      const first = await create(caller, { name: 'First' });
      const second = await create(caller, { name: 'Second' });
      await create(other, { name: 'Foreign' });
      const list = await call<{ workflows: WorkflowView[] }>(caller, '{ workflows { id name } }');
      expect(list.data?.workflows).toEqual([
        { id: second.id, name: 'Second' },
        { id: first.id, name: 'First' },
      ]);
      const one = await call<{ workflow: WorkflowView }>(
        caller,
        'query($id: ID!) { workflow(id: $id) { id name } }',
        {
          id: first.id,
        },
      );
      expect(one.data?.workflow).toEqual({ id: first.id, name: 'First' });
    });

    it('asks anonymous callers to sign in', async () => {
      const answer = await call({}, '{ workflows { id } }');
      expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('resolves N workflow references with one SELECT', async () => {
      const { env, service: automation } = subject;
      const caller = newTenant();
      const ids = [];
      for (const name of ['A', 'B', 'C']) ids.push((await create(caller, { name })).id);
      statements.length = 0;
      const result = await env.entities<{ name: string }>(
        automation.graphqlUrl,
        '... on Workflow { name }',
        caller,
        [...ids, randomUUID(), 'not-a-uuid'].map((id) => ({ __typename: 'Workflow', id })),
      );
      expect(result.map((workflow) => workflow?.name ?? null)).toEqual(['A', 'B', 'C', null, null]);
      expect(
        statements.filter((sql) => /^select/i.test(sql.trim()) && sql.includes('"workflows"')),
      ).toHaveLength(1);
    });
  });
});
