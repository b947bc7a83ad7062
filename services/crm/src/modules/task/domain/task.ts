/**
 * Task rules (spec 003 TASK, spec 004 checklist TASK) and the events they imply. No Prisma or GraphQL
 * here. Events carry ids, enums, times and changed field names only: titles, descriptions and stages
 * are free text, and stay in crm.
 */
import {
  createEvent,
  TASK_PRIORITIES,
  TASK_STATUSES,
  TASK_UPDATABLE_FIELDS,
  type CloudEvent,
  type EventData,
} from '@platform/events/catalog';
import type { InputIssues } from '@platform/domain';
import { badUserInput, conflict, enumObject, isUuid } from '@platform/domain';

export const TaskPriority = enumObject(TASK_PRIORITIES);
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export const TaskStatus = enumObject(TASK_STATUSES);
export type TaskStatus = (typeof TASK_STATUSES)[number];
export type TaskField = (typeof TASK_UPDATABLE_FIELDS)[number];

export interface Task {
  id: string;
  organizationId: string;
  title: string;
  description: string | null;
  contactId: string | null;
  /** Companies and deals are not in crm yet: ids only, unchecked. */
  companyId: string | null;
  dealId: string | null;
  assigneeId: string | null;
  dueAt: Date | null;
  priority: TaskPriority;
  status: TaskStatus;
  completedBy: string | null;
  completedAt: Date | null;
  /** With `companyId`, the checklist the task is in; null when in none. */
  stage: string | null;
  /** 0..n-1 within the checklist; null exactly when `stage` is. */
  sortOrder: number | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A checklist of an organization: its tasks of one stage of one company (or of no company). */
export interface ChecklistKey {
  stage: string;
  companyId: string | null;
}

export type TaskCreated = CloudEvent<'crm.task.created.v1', EventData<'crm.task.created.v1'>>;
export type TaskUpdated = CloudEvent<'crm.task.updated.v1', EventData<'crm.task.updated.v1'>>;
export type TaskCompleted = CloudEvent<'crm.task.completed.v1', EventData<'crm.task.completed.v1'>>;
export type TaskReopened = CloudEvent<'crm.task.reopened.v1', EventData<'crm.task.reopened.v1'>>;
export type TaskDeleted = CloudEvent<'crm.task.deleted.v1', EventData<'crm.task.deleted.v1'>>;
export type TaskEvent = TaskCreated | TaskUpdated | TaskCompleted | TaskReopened | TaskDeleted;

export const EVENT_SOURCE = '/services/crm';
export const MAX_TITLE_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 10_000;
export const MAX_STAGE_LENGTH = 64;

/** The checklist a task is in, or null. */
export function checklistOf(task: Pick<Task, 'stage' | 'companyId'>): ChecklistKey | null {
  return task.stage === null ? null : { stage: task.stage, companyId: task.companyId };
}

export function sameChecklist(a: ChecklistKey | null, b: ChecklistKey | null): boolean {
  if (a === null || b === null) return a === b;
  return a.stage === b.stage && a.companyId === b.companyId;
}

/** The references a task names, which the operations check against storage. */
export interface TaskReferences {
  assigneeId?: string | null;
  contactId?: string | null;
}

export interface CreateTaskInput extends TaskReferences {
  title: string;
  description?: string | null;
  priority?: TaskPriority | null;
  companyId?: string | null;
  dealId?: string | null;
  dueAt?: Date | null;
  stage?: string | null;
}

/** What `updateTask` changes: a field left undefined stays as it is; null clears an optional one. */
export interface TaskChangesInput extends TaskReferences {
  title?: string | null;
  description?: string | null;
  priority?: TaskPriority | null;
  companyId?: string | null;
  dealId?: string | null;
  dueAt?: Date | null;
  stage?: string | null;
}

/** Checked changes: every field given has a valid value. */
export type TaskChanges = Partial<
  Pick<
    Task,
    | 'title'
    | 'description'
    | 'priority'
    | 'dueAt'
    | 'assigneeId'
    | 'contactId'
    | 'companyId'
    | 'dealId'
    | 'stage'
  >
>;

function checkText(issues: InputIssues, path: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length < 1 || trimmed.length > max)
    issues.add(path, `must be 1–${max.toLocaleString('en')} characters`);
  return trimmed;
}

/** An empty description is no description. */
function checkDescription(issues: InputIssues, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed.length > MAX_DESCRIPTION_LENGTH)
    issues.add('description', `must be at most ${MAX_DESCRIPTION_LENGTH.toLocaleString('en')} characters`);
  return trimmed.length === 0 ? null : trimmed;
}

/** Year 0 reads as a date but has none in PostgreSQL (1 BC comes before AD 1). */
function checkDueAt(issues: InputIssues, value: Date | null | undefined): void {
  if (value && (Number.isNaN(value.getTime()) || value.getUTCFullYear() < 1)) {
    issues.add('dueAt', 'must be a valid date-time from year 1');
  }
}

function checkId(issues: InputIssues, path: string, value: string | null | undefined): void {
  if (value !== null && value !== undefined && !isUuid(value)) issues.add(path, 'must be a UUID');
}

/** A checklist stage, trimmed: 1–64 characters. */
export function checkStage(issues: InputIssues, value: string, path = 'stage'): string {
  return checkText(issues, path, value, MAX_STAGE_LENGTH);
}

/**
 * A new task, not placed yet: open, priority medium unless given, texts trimmed. Problems are added to
 * `issues` (the caller adds those of the references and throws them all at once). A task with a stage
 * goes to the end of its checklist: `placeTask` gives it its place once the storing transaction knows
 * how many tasks the checklist has.
 */
export function draftTask(
  ids: { id: string; organizationId: string; createdBy: string },
  input: CreateTaskInput,
  now: Date,
  issues: InputIssues,
): Task {
  const title = checkText(issues, 'title', input.title, MAX_TITLE_LENGTH);
  const description = checkDescription(issues, input.description);
  const stage = input.stage === null || input.stage === undefined ? null : checkStage(issues, input.stage);
  checkDueAt(issues, input.dueAt);
  for (const field of ['assigneeId', 'contactId', 'companyId', 'dealId'] as const)
    checkId(issues, field, input[field]);
  return {
    id: ids.id,
    organizationId: ids.organizationId,
    title,
    description,
    contactId: input.contactId ?? null,
    companyId: input.companyId ?? null,
    dealId: input.dealId ?? null,
    assigneeId: input.assigneeId ?? null,
    dueAt: input.dueAt ?? null,
    priority: input.priority ?? TaskPriority.medium,
    status: TaskStatus.open,
    completedBy: null,
    completedAt: null,
    stage,
    sortOrder: null,
    createdBy: ids.createdBy,
    createdAt: now,
    updatedAt: now,
  };
}

/** The drafted task at the end of its checklist (`checklistSize` tasks before it), and its event. */
export function placeTask(draft: Task, checklistSize: number): { task: Task; events: [TaskCreated] } {
  const task: Task = { ...draft, sortOrder: draft.stage === null ? null : checklistSize };
  return {
    task,
    events: [
      createEvent('crm.task.created.v1', {
        source: EVENT_SOURCE,
        subject: task.id,
        tenantId: task.organizationId,
        time: task.createdAt,
        data: {
          taskId: task.id,
          organizationId: task.organizationId,
          priority: task.priority,
          status: task.status,
          assigneeId: task.assigneeId,
          contactId: task.contactId,
          companyId: task.companyId,
          dealId: task.dealId,
          dueAt: task.dueAt?.toISOString() ?? null,
          sortOrder: task.sortOrder,
          createdBy: task.createdBy,
          createdAt: task.createdAt.toISOString(),
        },
      }),
    ],
  };
}

/** Checks the changes `updateTask` asks for, before the task is read: title and priority may not be cleared. */
export function checkTaskChanges(input: TaskChangesInput, issues: InputIssues): TaskChanges {
  const changes: TaskChanges = {};
  if (input.title !== undefined) {
    if (input.title === null) issues.add('title', 'cannot be cleared');
    else changes.title = checkText(issues, 'title', input.title, MAX_TITLE_LENGTH);
  }
  if (input.description !== undefined) changes.description = checkDescription(issues, input.description);
  if (input.priority !== undefined) {
    if (input.priority === null) issues.add('priority', 'cannot be cleared');
    else changes.priority = input.priority;
  }
  if (input.dueAt !== undefined) {
    checkDueAt(issues, input.dueAt);
    changes.dueAt = input.dueAt;
  }
  if (input.stage !== undefined)
    changes.stage = input.stage === null ? null : checkStage(issues, input.stage);
  for (const field of ['assigneeId', 'contactId', 'companyId', 'dealId'] as const) {
    const value = input[field];
    if (value === undefined) continue;
    checkId(issues, field, value);
    changes[field] = value;
  }
  return changes;
}

/** The checklist a task will be in once `changes` apply. */
export function checklistAfter(task: Task, changes: TaskChanges): ChecklistKey | null {
  return checklistOf({
    stage: changes.stage === undefined ? task.stage : changes.stage,
    companyId: changes.companyId === undefined ? task.companyId : changes.companyId,
  });
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

function updatedEvent(task: Task, changedFields: TaskField[], updatedBy: string, now: Date): TaskUpdated {
  return createEvent('crm.task.updated.v1', {
    source: EVENT_SOURCE,
    subject: task.id,
    tenantId: task.organizationId,
    time: now,
    data: {
      taskId: task.id,
      organizationId: task.organizationId,
      changedFields,
      priority: task.priority,
      assigneeId: task.assigneeId,
      contactId: task.contactId,
      companyId: task.companyId,
      dealId: task.dealId,
      dueAt: task.dueAt?.toISOString() ?? null,
      sortOrder: task.sortOrder,
      updatedBy,
      updatedAt: now.toISOString(),
    },
  });
}

/**
 * The task with checked changes applied, and crm.task.updated.v1 naming the fields that really
 * changed. A task that changes checklist goes to the end of the new one (`targetSize` tasks before
 * it; the storing transaction closes the gap it leaves in the old one); a change that changes nothing
 * implies no event and leaves the task as it was.
 */
export function updateTask(
  task: Task,
  changes: TaskChanges,
  targetSize: number,
  updatedBy: string,
  now: Date,
): { task: Task; events: TaskUpdated[] } {
  const target = checklistAfter(task, changes);
  const sortOrder = sameChecklist(checklistOf(task), target) ? task.sortOrder : target ? targetSize : null;
  const next: Task = { ...task, ...changes, sortOrder };
  const changedFields = TASK_UPDATABLE_FIELDS.filter((field) => !sameValue(next[field], task[field]));
  if (changedFields.length === 0) return { task, events: [] };
  const updated: Task = { ...next, updatedAt: now };
  return { task: updated, events: [updatedEvent(updated, changedFields, updatedBy, now)] };
}

/** Completes an open task, recording who and when; completing a completed task is a CONFLICT. */
export function completeTask(task: Task, by: string, now: Date): { task: Task; events: [TaskCompleted] } {
  if (task.status === TaskStatus.completed) throw conflict('The task is already completed', { id: task.id });
  const updated: Task = {
    ...task,
    status: TaskStatus.completed,
    completedBy: by,
    completedAt: now,
    updatedAt: now,
  };
  return {
    task: updated,
    events: [
      createEvent('crm.task.completed.v1', {
        source: EVENT_SOURCE,
        subject: task.id,
        tenantId: task.organizationId,
        time: now,
        data: {
          taskId: task.id,
          organizationId: task.organizationId,
          completedBy: by,
          completedAt: now.toISOString(),
        },
      }),
    ],
  };
}

/** Reopens a completed task, clearing who completed it and when; reopening an open task is a CONFLICT. */
export function reopenTask(task: Task, by: string, now: Date): { task: Task; events: [TaskReopened] } {
  if (task.status === TaskStatus.open) throw conflict('The task is open already', { id: task.id });
  const updated: Task = {
    ...task,
    status: TaskStatus.open,
    completedBy: null,
    completedAt: null,
    updatedAt: now,
  };
  return {
    task: updated,
    events: [
      createEvent('crm.task.reopened.v1', {
        source: EVENT_SOURCE,
        subject: task.id,
        tenantId: task.organizationId,
        time: now,
        data: {
          taskId: task.id,
          organizationId: task.organizationId,
          reopenedBy: by,
          reopenedAt: now.toISOString(),
        },
      }),
    ],
  };
}

/**
 * A checklist's task ids in their new order: `id` taken out and put back at `position`, clamped to
 * 0..n-1. The ids' index in the answer is their new sortOrder, so whatever the order was (even with
 * gaps or ties, if anything ever wrote some), the answer is dense.
 */
export function reorder(ids: readonly string[], id: string, position: number): string[] {
  const rest = ids.filter((other) => other !== id);
  if (rest.length === ids.length) throw new Error(`reorder: ${id} is not in the checklist`);
  const at = Math.min(Math.max(Math.trunc(position), 0), rest.length);
  return [...rest.slice(0, at), id, ...rest.slice(at)];
}

/**
 * Moves a checklist task to `position` among `checklist` (the checklist's ids in their current order,
 * the task's included): the new order of the whole checklist, the task with its new place, and
 * crm.task.updated.v1 (changedFields sortOrder) when its place changed. A task in no checklist has no
 * place to move to: CONFLICT.
 */
export function moveTask(
  task: Task,
  checklist: readonly string[],
  position: number,
  movedBy: string,
  now: Date,
): { order: string[]; task: Task; events: TaskUpdated[] } {
  if (task.stage === null) throw conflict('The task is in no checklist', { id: task.id });
  const order = reorder(checklist, task.id, position);
  const sortOrder = order.indexOf(task.id);
  if (sortOrder === task.sortOrder) return { order, task, events: [] };
  const updated: Task = { ...task, sortOrder, updatedAt: now };
  return { order, task: updated, events: [updatedEvent(updated, ['sortOrder'], movedBy, now)] };
}

/** The event of a task's deletion. */
export function deleteTask(task: Task, deletedBy: string, now: Date): { events: [TaskDeleted] } {
  return {
    events: [
      createEvent('crm.task.deleted.v1', {
        source: EVENT_SOURCE,
        subject: task.id,
        tenantId: task.organizationId,
        time: now,
        data: {
          taskId: task.id,
          organizationId: task.organizationId,
          deletedBy,
          deletedAt: now.toISOString(),
        },
      }),
    ],
  };
}

/**
 * Where a page of "my open tasks" starts: after this task in (dueAt ascending, nulls last, id) order.
 * Its own cursor format, as the order is not the platform's (createdAt, id).
 */
export interface DuePosition {
  dueAt: Date | null;
  id: string;
}

export function encodeDueCursor(position: DuePosition): string {
  return Buffer.from(`due|${position.dueAt?.toISOString() ?? ''}|${position.id}`).toString('base64url');
}

export function decodeDueCursor(after: string): DuePosition {
  const [kind, iso, id, extra] = Buffer.from(after, 'base64url').toString('utf8').split('|');
  const dueAt = iso ? new Date(iso) : null;
  if (
    kind !== 'due' ||
    !id ||
    !isUuid(id) ||
    extra !== undefined ||
    (dueAt && Number.isNaN(dueAt.getTime()))
  ) {
    throw badUserInput('after is not a cursor of this connection', {
      issues: [{ path: 'after', message: 'invalid cursor', code: 'invalid' }],
    });
  }
  return { dueAt, id };
}
