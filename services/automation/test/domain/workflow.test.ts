import { WORKFLOW_STATUSES } from '@platform/events/catalog';
import { domainErrorOf } from '@platform/domain/testing';
import {
  assertTransition,
  changeStatus,
  createWorkflow,
  startsRuns,
  TRIGGER_EVENT_TYPES,
  WorkflowStatus,
  type NewWorkflowInput,
  type Workflow,
} from '../../src/modules/workflow/domain/workflow';
import { workflowOperations } from '../../src/modules/workflow/domain/workflow-operations';
import type { WorkflowRepository } from '../../src/modules/workflow/domain/workflow-repository';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const AUTHOR = '5d1e8c3a-7b24-4f6e-9c0d-1a2b3c4d5e6f';
const EDITOR = '9e8d7c6b-5a49-4382-b1c0-ffeeddccbbaa';
const WORKFLOW = '7f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190';
const TRIGGER = 'crm.contact.created.v1';
const CATALOG = [TRIGGER, 'identity.user.created.v1'];
const CREATED_AT = new Date('2026-06-01T07:45:00.000Z');
const NOW = new Date('2026-06-02T10:00:00.000Z');

const created = (input: NewWorkflowInput, createdBy: string | null = AUTHOR) =>
  createWorkflow({ id: WORKFLOW, organizationId: ORGANIZATION, createdBy }, input, CATALOG, CREATED_AT);

const stored = (status: WorkflowStatus, version = 3): Workflow => ({
  id: WORKFLOW,
  organizationId: ORGANIZATION,
  name: 'Welcome new leads',
  description: null,
  triggerEventType: TRIGGER,
  status,
  version,
  createdBy: AUTHOR,
  createdAt: CREATED_AT,
  updatedAt: CREATED_AT,
});

// Every move, allowed or not: a change to the state machine has to change this table.
const ALLOWED: Record<WorkflowStatus, readonly WorkflowStatus[]> = {
  draft: ['draft', 'active', 'archived'],
  active: ['active', 'paused', 'archived'],
  paused: ['paused', 'active', 'archived'],
  archived: ['archived'],
};
const MOVES = WORKFLOW_STATUSES.flatMap((from) => WORKFLOW_STATUSES.map((to) => [from, to] as const));
const allowed = MOVES.filter(([from, to]) => ALLOWED[from].includes(to));
const refused = MOVES.filter(([from, to]) => !ALLOWED[from].includes(to));

describe('WorkflowStatus', () => {
  it('is the event catalog’s list', () => {
    expect(Object.values(WorkflowStatus)).toEqual([...WORKFLOW_STATUSES]);
  });
});

describe('assertTransition', () => {
  it.each(allowed)('allows %s → %s', (from, to) => {
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  it.each(refused)('refuses %s → %s as BAD_USER_INPUT on `status`', (from, to) => {
    const error = domainErrorOf(() => assertTransition(from, to));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toBe(`A ${from} workflow cannot become ${to}`);
    expect(error.details).toEqual({
      issues: [{ path: 'status', message: `cannot move from ${from} to ${to}`, code: 'invalid_transition' }],
    });
  });

  it('never lets a workflow back to draft, and keeps archived final', () => {
    for (const from of ['active', 'paused'] as const) expect(() => assertTransition(from, 'draft')).toThrow();
    for (const to of ['draft', 'active', 'paused'] as const)
      expect(() => assertTransition('archived', to)).toThrow();
  });
});

describe('createWorkflow', () => {
  it('trims the name, drops a blank description and starts as a draft at version 1', () => {
    expect(
      created({ name: '  Welcome new leads ', description: '   ', triggerEventType: TRIGGER }).workflow,
    ).toEqual({
      id: WORKFLOW,
      organizationId: ORGANIZATION,
      name: 'Welcome new leads',
      description: null,
      triggerEventType: TRIGGER,
      status: 'draft',
      version: 1,
      createdBy: AUTHOR,
      createdAt: CREATED_AT,
      updatedAt: CREATED_AT,
    });
  });

  it('refuses a description over 2,000 characters', () => {
    expect(() => created({ name: 'Long', description: 'd'.repeat(2001), triggerEventType: TRIGGER })).toThrow(
      'description must be at most 2000 characters',
    );
    expect(
      created({ name: 'Long', description: 'd'.repeat(2000), triggerEventType: TRIGGER }).workflow
        .description,
    ).toHaveLength(2000);
  });

  it('implies automation.workflow.created.v1 for the workflow, without its name or description', () => {
    const { workflow, events } = created({
      name: 'Welcome new leads',
      description: 'Sends the welcome sequence',
      triggerEventType: TRIGGER,
      status: 'active',
    });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'automation.workflow.created.v1',
        source: '/services/automation',
        subject: workflow.id,
        tenantid: ORGANIZATION,
        time: CREATED_AT.toISOString(),
        data: {
          workflowId: WORKFLOW,
          organizationId: ORGANIZATION,
          triggerEventType: TRIGGER,
          status: 'active',
          version: 1,
          createdBy: AUTHOR,
          createdAt: CREATED_AT.toISOString(),
        },
      }),
    ]);
  });

  it('may start active or paused, and records no author when none is signed in', () => {
    for (const status of ['active', 'paused'] as const) {
      const { workflow, events } = created({ name: 'W', triggerEventType: TRIGGER, status }, null);
      expect(workflow).toMatchObject({ status, createdBy: null });
      expect(events[0].data).toMatchObject({ status, createdBy: null });
    }
  });

  it('refuses a trigger that is not an event type of the catalog', () => {
    const error = domainErrorOf(() => created({ name: 'W', triggerEventType: 'crm.contact.created' }));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.details).toEqual({
      issues: [
        {
          path: 'triggerEventType',
          message: 'must be an event type of the catalog: crm.contact.created.v1, identity.user.created.v1',
          code: 'invalid',
        },
      ],
    });
  });

  it('refuses to create a workflow archived', () => {
    const error = domainErrorOf(() => created({ name: 'W', triggerEventType: TRIGGER, status: 'archived' }));
    expect(error.details).toEqual({
      issues: [{ path: 'status', message: 'a new workflow cannot be archived', code: 'invalid' }],
    });
  });

  it('reports every problem at once', () => {
    const error = domainErrorOf(() =>
      created({ name: ' ', triggerEventType: 'unknown.v1', status: 'archived' }),
    );
    expect(error.code).toBe('BAD_USER_INPUT');
    const issues = (error.details as { issues: Array<{ path: string }> }).issues;
    expect(issues.map((issue) => issue.path)).toEqual(['name', 'triggerEventType', 'status']);
  });

  it('is triggered by the events the trigger consumer handles', () => {
    expect(TRIGGER_EVENT_TYPES).toEqual(['crm.contact.created.v1']);
  });
});

describe('changeStatus', () => {
  const changes = allowed.filter(([from, to]) => from !== to);

  it.each(changes)('moves %s → %s one version on, implying one status_changed event', (from, to) => {
    const { workflow, events } = changeStatus(stored(from, 3), to, EDITOR, NOW);
    expect(workflow).toEqual({ ...stored(from, 3), status: to, version: 4, updatedAt: NOW });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'automation.workflow.status_changed.v1',
        source: '/services/automation',
        subject: WORKFLOW,
        tenantid: ORGANIZATION,
        time: NOW.toISOString(),
        data: {
          workflowId: WORKFLOW,
          organizationId: ORGANIZATION,
          from,
          to,
          version: 4,
          changedBy: EDITOR,
          changedAt: NOW.toISOString(),
        },
      }),
    ]);
  });

  it.each(WORKFLOW_STATUSES.map((status) => [status] as const))(
    'leaves a %s workflow asked for the status it has alone: same version, no event',
    (status) => {
      const before = stored(status, 3);
      expect(changeStatus(before, status, EDITOR, NOW)).toEqual({ workflow: before, events: [] });
    },
  );

  it.each(refused)('refuses %s → %s, implying nothing', (from, to) => {
    expect(domainErrorOf(() => changeStatus(stored(from), to, EDITOR, NOW)).code).toBe('BAD_USER_INPUT');
  });
});

describe('startsRuns', () => {
  it('is true only for active workflows', () => {
    expect(WORKFLOW_STATUSES.filter((status) => startsRuns({ status }))).toEqual(['active']);
  });
});

describe('workflowOperations', () => {
  /** An in-memory repository that records what the operations store. */
  function memory(initial: Workflow[] = [], options: { stale?: boolean } = {}) {
    const rows = new Map(initial.map((workflow) => [workflow.id, workflow]));
    const writes: Array<{ kind: 'create' | 'update'; workflow: Workflow; events: readonly unknown[] }> = [];
    const repository: WorkflowRepository = {
      create: (workflow, events) => {
        writes.push({ kind: 'create', workflow, events });
        rows.set(workflow.id, workflow);
        return Promise.resolve(workflow);
      },
      byIds: (organizationId, ids) =>
        Promise.resolve(
          ids.map((id) => {
            const workflow = rows.get(id);
            return workflow?.organizationId === organizationId ? workflow : null;
          }),
        ),
      list: (organizationId) =>
        Promise.resolve([...rows.values()].filter((workflow) => workflow.organizationId === organizationId)),
      update: (workflow, expectedVersion, events) => {
        if (options.stale || rows.get(workflow.id)?.version !== expectedVersion) return Promise.resolve(null);
        writes.push({ kind: 'update', workflow, events });
        rows.set(workflow.id, workflow);
        return Promise.resolve(workflow);
      },
    };
    const operations = workflowOperations(repository, { triggerEventTypes: CATALOG, clock: () => NOW });
    return { operations, writes };
  }

  const editor = { organizationId: ORGANIZATION, userId: EDITOR };

  it('creates a workflow by the signed-in user, storing it with its created event', async () => {
    const { operations, writes } = memory();
    const workflow = await operations.create(editor, { name: 'W', triggerEventType: TRIGGER });
    expect(workflow).toMatchObject({ organizationId: ORGANIZATION, createdBy: EDITOR, createdAt: NOW });
    expect(
      writes.map((write) => [write.kind, write.events.map((event) => (event as { type: string }).type)]),
    ).toEqual([['create', ['automation.workflow.created.v1']]]);
  });

  it('stores a real status change with exactly its status_changed event', async () => {
    const { operations, writes } = memory([stored('active', 3)]);
    await expect(operations.setStatus(editor, WORKFLOW, 'paused')).resolves.toMatchObject({
      status: 'paused',
      version: 4,
    });
    expect(writes).toHaveLength(1);
    expect(writes[0]?.events).toMatchObject([
      {
        type: 'automation.workflow.status_changed.v1',
        data: { from: 'active', to: 'paused', version: 4, changedBy: EDITOR },
      },
    ]);
  });

  it('writes nothing for the status the workflow already has, or for a refused move', async () => {
    const { operations, writes } = memory([stored('archived', 5)]);
    await expect(operations.setStatus(editor, WORKFLOW, 'archived')).resolves.toEqual(stored('archived', 5));
    await expect(operations.setStatus(editor, WORKFLOW, 'active')).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect(writes).toEqual([]);
  });

  it('refuses a change that raced with another one as CONFLICT', async () => {
    const { operations, writes } = memory([stored('active', 3)], { stale: true });
    await expect(operations.setStatus(editor, WORKFLOW, 'paused')).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(writes).toEqual([]);
  });

  it('answers NOT_FOUND for another organization’s workflow and for an unknown id', async () => {
    const { operations } = memory([stored('active')]);
    const stranger = { organizationId: '2c4e6a8b-1d3f-4a5c-9e7b-0f1e2d3c4b5a', userId: EDITOR };
    await expect(operations.setStatus(stranger, WORKFLOW, 'paused')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(operations.setStatus(editor, 'not-a-uuid', 'paused')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('asks anonymous callers to sign in', async () => {
    const { operations, writes } = memory([stored('active')]);
    const anonymous = { organizationId: null, userId: null };
    await expect(
      operations.create(anonymous, { name: 'W', triggerEventType: TRIGGER }),
    ).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(operations.setStatus(anonymous, WORKFLOW, 'paused')).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(operations.list(anonymous)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(writes).toEqual([]);
  });
});
