import { randomUUID } from 'node:crypto';
import {
  InputIssues,
  isUuid,
  notFound,
  organizationOf,
  pagesOf,
  pageOf,
  signedInUser,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  type Actor,
  type Page,
  type PageRequest,
} from '@platform/domain';
import { checkAssigneeAndContact, type KnownUsers } from '../../contact/domain/owners';
import {
  checklistAfter,
  checkStage,
  checkTaskChanges,
  completeTask,
  decodeDueCursor,
  deleteTask,
  draftTask,
  moveTask,
  placeTask,
  reopenTask,
  updateTask,
  type CreateTaskInput,
  type Task,
  type TaskChangesInput,
  type TaskReferences,
} from './task';
import type { Decided, TaskFilter, TaskRepository } from './task-repository';

const SIGN_IN = 'Sign in to work with tasks';

/** The task use cases: who may do what, and what it changes. */
export function taskOperations(
  repository: TaskRepository,
  users: KnownUsers,
  clock: () => Date = () => new Date(),
) {
  /** The assignee and contact a write names (contact/domain/owners.ts). */
  const checkReferences = (
    caller: { organizationId: string; userId: string },
    references: TaskReferences,
    issues: InputIssues,
  ) =>
    checkAssigneeAndContact(
      {
        users,
        hasLiveContact: (organizationId, contactId) => repository.hasLiveContact(organizationId, contactId),
      },
      caller,
      references,
      issues,
    );

  /** Missing tasks and other organizations' tasks are all simply "not found". */
  const missing = (id: string) => notFound('Task', id);

  async function setStatus(
    actor: Actor,
    id: string,
    decide: (task: Task, by: string, now: Date) => { task: Task; events: Decided<Task>['events'] },
  ): Promise<Task> {
    const caller = signedInUser(actor, SIGN_IN);
    if (!isUuid(id)) throw missing(id);
    const now = clock();
    const changed = await repository.change(
      caller.organizationId,
      id,
      (current) => checklistAfter(current, {}),
      (current) => {
        const { task, events } = decide(current, caller.userId, now);
        return { value: task, events };
      },
    );
    if (!changed) throw missing(id);
    return changed;
  }

  return {
    async create(actor: Actor, input: CreateTaskInput): Promise<Task> {
      const caller = signedInUser(actor, SIGN_IN);
      const issues = new InputIssues();
      const draft = draftTask(
        { id: randomUUID(), organizationId: caller.organizationId, createdBy: caller.userId },
        input,
        clock(),
        issues,
      );
      await checkReferences(caller, input, issues);
      issues.throwIfAny();
      return repository.create(draft, (size) => {
        const { task, events } = placeTask(draft, size);
        return { value: task, events };
      });
    },

    async update(actor: Actor, id: string, input: TaskChangesInput): Promise<Task> {
      const caller = signedInUser(actor, SIGN_IN);
      const issues = new InputIssues();
      const changes = checkTaskChanges(input, issues);
      await checkReferences(caller, input, issues);
      issues.throwIfAny();
      if (!isUuid(id)) throw missing(id);
      const now = clock();
      const changed = await repository.change(
        caller.organizationId,
        id,
        (current) => checklistAfter(current, changes),
        (current, targetSize) => {
          const { task, events } = updateTask(current, changes, targetSize, caller.userId, now);
          return { value: task, events };
        },
      );
      if (!changed) throw missing(id);
      return changed;
    },

    async complete(actor: Actor, id: string): Promise<Task> {
      return setStatus(actor, id, completeTask);
    },

    async reopen(actor: Actor, id: string): Promise<Task> {
      return setStatus(actor, id, reopenTask);
    },

    async move(actor: Actor, id: string, position: number): Promise<Task> {
      const caller = signedInUser(actor, SIGN_IN);
      if (!isUuid(id)) throw missing(id);
      const now = clock();
      const moved = await repository.move(caller.organizationId, id, (current, checklist) => {
        const { order, task, events } = moveTask(current, checklist, position, caller.userId, now);
        return { value: { task, order }, events };
      });
      if (!moved) throw missing(id);
      return moved;
    },

    async remove(actor: Actor, id: string): Promise<string> {
      const caller = signedInUser(actor, SIGN_IN);
      if (!isUuid(id)) throw missing(id);
      const now = clock();
      const removed = await repository.remove(caller.organizationId, id, (current) => ({
        value: null,
        events: deleteTask(current, caller.userId, now).events,
      }));
      if (!removed) throw missing(id);
      return id;
    },

    async get(actor: Actor, id: string, load: (id: string) => Promise<Task | null>): Promise<Task> {
      organizationOf(actor, SIGN_IN);
      const task = await load(id);
      if (!task) throw missing(id);
      return task;
    },

    /** A page of the organization's tasks; filter ids that name no row match nothing. */
    async list(actor: Actor, filter: TaskFilter, request: PageRequest): Promise<Page<Task>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const issues = new InputIssues();
      for (const field of ['assigneeId', 'contactId', 'companyId', 'dealId'] as const) {
        const value = filter[field];
        if (value && !isUuid(value)) issues.add(`filter.${field}`, 'must be a UUID');
      }
      issues.throwIfAny();
      const { rows, totalCount } = await repository.list(organizationId, filter, request);
      return pageOf(rows, request, totalCount);
    },

    /** A page of the caller's open tasks, soonest due first, undated ones last. */
    async myOpen(
      actor: Actor,
      first: number | null | undefined,
      after: string | null | undefined,
    ): Promise<Page<Task>> {
      const caller = signedInUser(actor, SIGN_IN);
      const size = first ?? DEFAULT_PAGE_SIZE;
      if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
        new InputIssues().add('first', `must be 1–${MAX_PAGE_SIZE}`).throwIfAny();
      }
      const request = { first: size, after: after ? decodeDueCursor(after) : null };
      const { rows, totalCount } = await repository.openAssignedTo(
        caller.organizationId,
        caller.userId,
        request,
      );
      return {
        items: rows.slice(0, size),
        hasNextPage: rows.length > size,
        hasPreviousPage: request.after !== null,
        totalCount,
      };
    },

    /** A checklist's tasks in their order; a company id that is no UUID names no checklist. */
    async checklist(actor: Actor, companyId: string | null | undefined, stage: string): Promise<Task[]> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const issues = new InputIssues();
      const key = { stage: checkStage(issues, stage), companyId: companyId ?? null };
      if (key.companyId !== null && !isUuid(key.companyId)) issues.add('companyId', 'must be a UUID');
      issues.throwIfAny();
      return repository.checklist(organizationId, key);
    },

    /** Pages of the tasks of many contacts at once, in the order asked. */
    async ofContacts(
      actor: Actor,
      contactIds: readonly string[],
      request: PageRequest,
    ): Promise<Array<Page<Task>>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      return pagesOf(contactIds, request, (ids) => repository.ofContacts(organizationId, ids, request));
    },

    /** Pages of the tasks assigned to many users at once, in the order asked. */
    async assignedTo(
      actor: Actor,
      userIds: readonly string[],
      request: PageRequest,
    ): Promise<Array<Page<Task>>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      return pagesOf(userIds, request, (ids) => repository.assignedTo(organizationId, ids, request));
    },
  };
}

export type TaskOperations = ReturnType<typeof taskOperations>;
