import type { PageRequest } from '@platform/domain';
import type { ChecklistKey, DuePosition, Task, TaskEvent, TaskStatus } from './task';

/** What the operations decide once the storing transaction has what they need. */
export interface Decided<T> {
  value: T;
  events: readonly TaskEvent[];
}

/** Which of an organization's tasks a list asks for; every condition given must hold. */
export interface TaskFilter {
  status?: TaskStatus | null;
  assigneeId?: string | null;
  contactId?: string | null;
  companyId?: string | null;
  dealId?: string | null;
  stage?: string | null;
  dueBefore?: Date | null;
}

/** Up to `first + 1` rows after the cursor, and how many there are in all. */
export interface Rows<T> {
  rows: T[];
  totalCount: number;
}

/**
 * What the task operations need of storage (infra/task-repository.ts implements it). Every write that
 * may change a checklist's order runs under that checklist's lock, taken before any task row is
 * locked: writes to one checklist take turns, so its order stays 0..n-1.
 */
export interface TaskRepository {
  /** Stores a new task; `decide` gets how many tasks its checklist has (0 when in none). */
  create(draft: Task, decide: (checklistSize: number) => Decided<Task>): Promise<Task>;
  /**
   * Changes a task: `target` names the checklist the task will be in, `decide` gets the task as it is
   * (locked, as are its checklist and the target one) and how many other tasks the target checklist
   * has. A task that leaves a checklist leaves no gap behind. No events: nothing is written. Null when
   * there is no such task.
   */
  change(
    organizationId: string,
    id: string,
    target: (current: Task) => ChecklistKey | null,
    decide: (current: Task, targetSize: number) => Decided<Task>,
  ): Promise<Task | null>;
  /**
   * Moves a task within its checklist: `decide` gets the task and the checklist's ids in their order
   * (locked) and answers the new order, which is stored as sortOrders 0..n-1. Null when no such task.
   */
  move(
    organizationId: string,
    id: string,
    decide: (current: Task, checklist: readonly string[]) => Decided<{ task: Task; order: string[] }>,
  ): Promise<Task | null>;
  /** Deletes a task (closing the gap in its checklist) and stores its events; false when no such task. */
  remove(organizationId: string, id: string, decide: (current: Task) => Decided<null>): Promise<boolean>;
  /** The organization's tasks with these ids, in id order (null where none). */
  byIds(organizationId: string, ids: readonly string[]): Promise<Array<Task | null>>;
  /** A page of the organization's tasks that match the filter, newest first. */
  list(organizationId: string, filter: TaskFilter, request: PageRequest): Promise<Rows<Task>>;
  /** A page of a user's open tasks, soonest due first (nulls last), then by id. */
  openAssignedTo(
    organizationId: string,
    userId: string,
    request: { first: number; after: DuePosition | null },
  ): Promise<Rows<Task>>;
  /** A checklist's tasks by sortOrder. */
  checklist(organizationId: string, key: ChecklistKey): Promise<Task[]>;
  /** For each contact, a page of its tasks, newest first, in contact order: one query for any number. */
  ofContacts(
    organizationId: string,
    contactIds: readonly string[],
    request: PageRequest,
  ): Promise<Array<Rows<Task>>>;
  /** For each user, a page of the tasks assigned to them, newest first: one query for any number. */
  assignedTo(
    organizationId: string,
    userIds: readonly string[],
    request: PageRequest,
  ): Promise<Array<Rows<Task>>>;
  /** Whether the organization has a live (not deleted) contact with this id. */
  hasLiveContact(organizationId: string, contactId: string): Promise<boolean>;
}
