/** Workflow rules and lifecycle. No Prisma or GraphQL types here. */
import { randomUUID } from 'node:crypto';
import { DomainError } from '@platform/service-kit';

export const WORKFLOW_STATUSES = ['draft', 'active', 'paused', 'archived'] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

export interface Workflow {
  id: string;
  organizationId: string;
  name: string;
  description: string | null;
  triggerEventType: string;
  status: WorkflowStatus;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface WorkflowRun {
  id: string;
  organizationId: string;
  workflowId: string;
  workflowVersion: number;
  triggerEventId: string;
  triggerEventType: string;
  subjectId: string;
  status: 'started' | 'completed' | 'failed';
  startedAt: Date;
  completedAt: Date | null;
}

export type NewWorkflow = Pick<
  Workflow,
  'id' | 'organizationId' | 'name' | 'description' | 'triggerEventType' | 'status'
> & { createdBy: string | null };

/**
 * Allowed moves: draft → active; active ⇄ paused; anything but archived → archived. Archived is final
 * (runs keep pointing at it); a workflow never goes back to draft.
 */
const TRANSITIONS: Record<WorkflowStatus, readonly WorkflowStatus[]> = {
  draft: ['active', 'archived'],
  active: ['paused', 'archived'],
  paused: ['active', 'archived'],
  archived: [],
};

export function assertTransition(from: WorkflowStatus, to: WorkflowStatus): void {
  if (from === to) return;
  if (!TRANSITIONS[from].includes(to)) {
    throw new DomainError('BAD_USER_INPUT', `A ${from} workflow cannot become ${to}`, {
      issues: [{ path: 'status', message: `cannot move from ${from} to ${to}`, code: 'invalid_transition' }],
    });
  }
}

export function newWorkflow(
  organizationId: string,
  createdBy: string | null,
  input: {
    name: string;
    description?: string | null;
    triggerEventType: string;
    status?: WorkflowStatus | null;
  },
  knownEventTypes: readonly string[],
): NewWorkflow {
  const issues: Array<{ path: string; message: string; code: string }> = [];
  const name = input.name.trim();
  if (name.length < 1 || name.length > 255)
    issues.push({ path: 'name', message: 'must be 1–255 characters', code: 'invalid' });
  if (!knownEventTypes.includes(input.triggerEventType)) {
    issues.push({
      path: 'triggerEventType',
      message: `must be an event type of the catalog: ${knownEventTypes.join(', ')}`,
      code: 'invalid',
    });
  }
  const status = input.status ?? 'draft';
  if (status === 'archived')
    issues.push({ path: 'status', message: 'a new workflow cannot be archived', code: 'invalid' });
  if (issues.length > 0) {
    throw new DomainError(
      'BAD_USER_INPUT',
      issues.map((issue) => `${issue.path} ${issue.message}`).join('; '),
      {
        issues,
      },
    );
  }
  return {
    id: randomUUID(),
    organizationId,
    name,
    description: input.description?.trim() || null,
    triggerEventType: input.triggerEventType,
    status,
    createdBy,
  };
}

/** Only active workflows start runs. */
export function startsRuns(workflow: Pick<Workflow, 'status'>): boolean {
  return workflow.status === 'active';
}
