/** Workflow rules, lifecycle and the events they imply. No Prisma or GraphQL here. */
import {
  createEvent,
  WORKFLOW_STATUSES,
  type CloudEvent,
  type EventData,
  type EventType,
} from '@platform/events/catalog';
import { badUserInput, enumObject, InputIssues } from '@platform/domain';

/** Lifecycle of a workflow: draft → active ⇄ paused → archived. Only active workflows start runs. */
export const WorkflowStatus = enumObject(WORKFLOW_STATUSES);
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

/**
 * Event types a workflow can be triggered by. The trigger consumer (src/consumers/triggers.ts) must
 * handle exactly these; its handler map is checked against this list.
 */
export const TRIGGER_EVENT_TYPES = ['crm.contact.created.v1'] as const satisfies readonly EventType[];
export type TriggerEventType = (typeof TRIGGER_EVENT_TYPES)[number];

export interface Workflow {
  id: string;
  organizationId: string;
  name: string;
  description: string | null;
  /** Versioned event type that starts a run, e.g. crm.contact.created.v1. */
  triggerEventType: string;
  status: WorkflowStatus;
  /** Starts at 1; every change adds one (runs record the version they ran). */
  version: number;
  /** The user who created it; null when the platform did. */
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewWorkflowInput {
  name: string;
  description?: string | null;
  triggerEventType: string;
  status?: WorkflowStatus | null;
}

export const EVENT_SOURCE = '/services/automation';

export type WorkflowCreated = CloudEvent<
  'automation.workflow.created.v1',
  EventData<'automation.workflow.created.v1'>
>;
export type WorkflowStatusChanged = CloudEvent<
  'automation.workflow.status_changed.v1',
  EventData<'automation.workflow.status_changed.v1'>
>;

/**
 * Allowed moves: draft → active; active ⇄ paused; anything but archived → archived. Archived is final
 * (runs keep pointing at it); a workflow never goes back to draft.
 */
const TRANSITIONS: Record<WorkflowStatus, readonly WorkflowStatus[]> = {
  draft: [WorkflowStatus.active, WorkflowStatus.archived],
  active: [WorkflowStatus.paused, WorkflowStatus.archived],
  paused: [WorkflowStatus.active, WorkflowStatus.archived],
  archived: [],
};

/** Refuses a move the lifecycle does not allow (staying where it is is always allowed). */
export function assertTransition(from: WorkflowStatus, to: WorkflowStatus): void {
  if (from === to) return;
  if (!TRANSITIONS[from].includes(to)) {
    throw badUserInput(`A ${from} workflow cannot become ${to}`, {
      issues: [{ path: 'status', message: `cannot move from ${from} to ${to}`, code: 'invalid_transition' }],
    });
  }
}

export const DESCRIPTION_MAX_LENGTH = 2000;

/**
 * A new workflow (version 1) and the event it implies: name trimmed, a blank description dropped.
 * Every problem is reported at once, by field.
 */
export function createWorkflow(
  ids: { id: string; organizationId: string; createdBy: string | null },
  input: NewWorkflowInput,
  triggerEventTypes: readonly string[],
  now: Date,
): { workflow: Workflow; events: [WorkflowCreated] } {
  const issues = new InputIssues();
  const name = input.name.trim();
  if (name.length < 1 || name.length > 255) issues.add('name', 'must be 1–255 characters');
  if (!triggerEventTypes.includes(input.triggerEventType)) {
    issues.add('triggerEventType', `must be an event type of the catalog: ${triggerEventTypes.join(', ')}`);
  }
  const description = input.description?.trim() || null;
  if (description && description.length > DESCRIPTION_MAX_LENGTH) {
    issues.add('description', `must be at most ${DESCRIPTION_MAX_LENGTH} characters`);
  }
  const status = input.status ?? WorkflowStatus.draft;
  if (status === WorkflowStatus.archived) issues.add('status', 'a new workflow cannot be archived');
  issues.throwIfAny();
  const workflow: Workflow = {
    id: ids.id,
    organizationId: ids.organizationId,
    name,
    description,
    triggerEventType: input.triggerEventType,
    status,
    version: 1,
    createdBy: ids.createdBy,
    createdAt: now,
    updatedAt: now,
  };
  return { workflow, events: [workflowCreated(workflow)] };
}

/**
 * The workflow moved to `to` (one version on) and the event that says so. Asking for the status it
 * already has is no change: the same workflow, no new version and no event. A move the lifecycle does
 * not allow is refused (BAD_USER_INPUT on `status`).
 */
export function changeStatus(
  workflow: Workflow,
  to: WorkflowStatus,
  changedBy: string | null,
  now: Date,
): { workflow: Workflow; events: WorkflowStatusChanged[] } {
  assertTransition(workflow.status, to);
  if (workflow.status === to) return { workflow, events: [] };
  const changed: Workflow = { ...workflow, status: to, version: workflow.version + 1, updatedAt: now };
  return { workflow: changed, events: [statusChanged(workflow.status, changed, changedBy)] };
}

/** Only active workflows start runs. */
export function startsRuns(workflow: Pick<Workflow, 'status'>): boolean {
  return workflow.status === WorkflowStatus.active;
}

function workflowCreated(workflow: Workflow): WorkflowCreated {
  return createEvent('automation.workflow.created.v1', {
    source: EVENT_SOURCE,
    subject: workflow.id,
    tenantId: workflow.organizationId,
    time: workflow.createdAt,
    data: {
      workflowId: workflow.id,
      organizationId: workflow.organizationId,
      triggerEventType: workflow.triggerEventType,
      status: workflow.status,
      version: workflow.version,
      createdBy: workflow.createdBy,
      createdAt: workflow.createdAt.toISOString(),
    },
  });
}

function statusChanged(
  from: WorkflowStatus,
  workflow: Workflow,
  changedBy: string | null,
): WorkflowStatusChanged {
  return createEvent('automation.workflow.status_changed.v1', {
    source: EVENT_SOURCE,
    subject: workflow.id,
    tenantId: workflow.organizationId,
    time: workflow.updatedAt,
    data: {
      workflowId: workflow.id,
      organizationId: workflow.organizationId,
      from,
      to: workflow.status,
      version: workflow.version,
      changedBy,
      changedAt: workflow.updatedAt.toISOString(),
    },
  });
}
