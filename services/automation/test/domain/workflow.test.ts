import { DomainError } from '@platform/service-kit';
import {
  assertTransition,
  newWorkflow,
  WORKFLOW_STATUSES,
  type WorkflowStatus,
} from '../../src/domain/workflow';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const AUTHOR = '5d1e8c3a-7b24-4f6e-9c0d-1a2b3c4d5e6f';
const TRIGGER = 'crm.contact.created.v1';
const CATALOG = [TRIGGER, 'identity.user.created.v1'];

/** The DomainError `work` throws (fails the test if it throws nothing or something else). */
function thrown(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('assertTransition', () => {
  // Every move, allowed or not: a change to the state machine has to change this table.
  const allowed: Record<WorkflowStatus, readonly WorkflowStatus[]> = {
    draft: ['draft', 'active', 'archived'],
    active: ['active', 'paused', 'archived'],
    paused: ['paused', 'active', 'archived'],
    archived: ['archived'],
  };
  const moves = WORKFLOW_STATUSES.flatMap((from) => WORKFLOW_STATUSES.map((to) => [from, to] as const));

  it.each(moves.filter(([from, to]) => allowed[from].includes(to)))('allows %s → %s', (from, to) => {
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  it.each(moves.filter(([from, to]) => !allowed[from].includes(to)))(
    'refuses %s → %s as BAD_USER_INPUT on `status`',
    (from, to) => {
      const error = thrown(() => assertTransition(from, to));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.message).toBe(`A ${from} workflow cannot become ${to}`);
      expect(error.details).toEqual({
        issues: [
          { path: 'status', message: `cannot move from ${from} to ${to}`, code: 'invalid_transition' },
        ],
      });
    },
  );

  it('never lets a workflow back to draft, and keeps archived final', () => {
    for (const from of ['active', 'paused'] as const) expect(() => assertTransition(from, 'draft')).toThrow();
    for (const to of ['draft', 'active', 'paused'] as const)
      expect(() => assertTransition('archived', to)).toThrow();
  });
});

describe('newWorkflow', () => {
  it('trims the name, drops a blank description and starts as a draft', () => {
    const { id, ...workflow } = newWorkflow(
      ORGANIZATION,
      AUTHOR,
      { name: '  Welcome new leads ', description: '   ', triggerEventType: TRIGGER },
      CATALOG,
    );
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(workflow).toEqual({
      organizationId: ORGANIZATION,
      name: 'Welcome new leads',
      description: null,
      triggerEventType: TRIGGER,
      status: 'draft',
      createdBy: AUTHOR,
    });
  });

  it('may start active or paused', () => {
    for (const status of ['active', 'paused'] as const) {
      expect(
        newWorkflow(ORGANIZATION, null, { name: 'W', triggerEventType: TRIGGER, status }, CATALOG),
      ).toMatchObject({
        status,
        createdBy: null,
      });
    }
  });

  it('refuses a trigger that is not an event type of the catalog', () => {
    const error = thrown(() =>
      newWorkflow(ORGANIZATION, AUTHOR, { name: 'W', triggerEventType: 'crm.contact.created' }, CATALOG),
    );
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
    const error = thrown(() =>
      newWorkflow(
        ORGANIZATION,
        AUTHOR,
        { name: 'W', triggerEventType: TRIGGER, status: 'archived' },
        CATALOG,
      ),
    );
    expect(error.details).toEqual({
      issues: [{ path: 'status', message: 'a new workflow cannot be archived', code: 'invalid' }],
    });
  });

  it('reports every problem at once', () => {
    const error = thrown(() =>
      newWorkflow(
        ORGANIZATION,
        AUTHOR,
        { name: ' ', triggerEventType: 'unknown.v1', status: 'archived' },
        CATALOG,
      ),
    );
    expect(error.code).toBe('BAD_USER_INPUT');
    const issues = (error.details as { issues: Array<{ path: string }> }).issues;
    expect(issues.map((issue) => issue.path)).toEqual(['name', 'triggerEventType', 'status']);
  });
});
