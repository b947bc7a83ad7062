import type { Workflow, WorkflowStatus } from '../../src/modules/workflow/domain/workflow';
import { RUNS_PER_SUBJECT, runsFor, type Trigger } from '../../src/modules/workflow-run/domain/workflow-run';
import {
  startRuns,
  workflowRunOperations,
} from '../../src/modules/workflow-run/domain/workflow-run-operations';
import type { WorkflowRunTransaction } from '../../src/modules/workflow-run/domain/workflow-run-repository';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const OTHER_ORGANIZATION = '2c4e6a8b-1d3f-4a5c-9e7b-0f1e2d3c4b5a';
const CONTACT = '7f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190';
const EVENT = '3a1b5c7d-9e2f-4a6b-8c0d-1e3f5a7b9c2d';
const TRIGGER = 'crm.contact.created.v1';
const AT = new Date('2026-06-02T10:00:00.000Z');

const trigger: Trigger = {
  eventId: EVENT,
  eventType: TRIGGER,
  subjectId: CONTACT,
  organizationId: ORGANIZATION,
  at: AT,
};

let sequence = 0;
function workflow(status: WorkflowStatus, overrides: Partial<Workflow> = {}): Workflow {
  sequence += 1;
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    organizationId: ORGANIZATION,
    name: `W${sequence}`,
    description: null,
    triggerEventType: TRIGGER,
    status,
    version: 2,
    createdBy: null,
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

describe('runsFor', () => {
  it('starts one run per active workflow of the organization triggered by the event’s type', () => {
    const active = workflow('active', { version: 7 });
    const candidates = [
      active,
      workflow('draft'),
      workflow('paused'),
      workflow('archived'),
      workflow('active', { triggerEventType: 'identity.user.created.v1' }),
      workflow('active', { organizationId: OTHER_ORGANIZATION }),
    ];
    expect(runsFor(trigger, candidates, () => 'run-1')).toEqual([
      {
        id: 'run-1',
        organizationId: ORGANIZATION,
        workflowId: active.id,
        workflowVersion: 7,
        triggerEventId: EVENT,
        triggerEventType: TRIGGER,
        subjectId: CONTACT,
        status: 'started',
        startedAt: AT,
        completedAt: null,
      },
    ]);
  });

  it('starts nothing when no workflow listens', () => {
    expect(runsFor(trigger, [])).toEqual([]);
  });
});

describe('startRuns', () => {
  function memoryStore(workflows: Workflow[]) {
    const added: unknown[][] = [];
    const store: WorkflowRunTransaction = {
      workflowsTriggeredBy: (organizationId, eventType) =>
        Promise.resolve(
          workflows.filter(
            (item) => item.organizationId === organizationId && item.triggerEventType === eventType,
          ),
        ),
      add: (runs) => {
        added.push([...runs]);
        return Promise.resolve();
      },
    };
    return { store, added };
  }

  it('stores the runs the domain decides, in one call', async () => {
    const [first, second] = [workflow('active'), workflow('active')];
    const { store, added } = memoryStore([first, second, workflow('paused')]);
    const runs = await startRuns(store, trigger);
    expect(runs.map((run) => run.workflowId)).toEqual([first.id, second.id]);
    expect(added).toEqual([runs]);
  });

  it('stores nothing when nothing starts', async () => {
    const { store, added } = memoryStore([workflow('draft')]);
    await expect(startRuns(store, trigger)).resolves.toEqual([]);
    expect(added).toEqual([]);
  });
});

describe('workflowRunOperations.aboutSubjects', () => {
  it('reads the actor’s organization’s runs, at most RUNS_PER_SUBJECT per subject, and none for anonymous callers', async () => {
    const reads: Array<[string, readonly string[], number]> = [];
    const runs = workflowRunOperations({
      bySubjects: (organizationId, subjectIds, limit) => {
        reads.push([organizationId, subjectIds, limit]);
        return Promise.resolve(subjectIds.map(() => []));
      },
    });
    await expect(
      runs.aboutSubjects({ organizationId: null, userId: null }, [CONTACT, EVENT]),
    ).resolves.toEqual([[], []]);
    expect(reads).toEqual([]);
    await runs.aboutSubjects({ organizationId: ORGANIZATION, userId: null }, [CONTACT]);
    expect(reads).toEqual([[ORGANIZATION, [CONTACT], RUNS_PER_SUBJECT]]);
    expect(RUNS_PER_SUBJECT).toBe(100);
  });
});
