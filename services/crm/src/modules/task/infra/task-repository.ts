import {
  afterCursorWhere,
  orderByKeys,
  pagesByParent,
  uuidsOnly,
  type TenantDatabase,
} from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import { checklistOf, sameChecklist, type ChecklistKey, type Task } from '../domain/task';
import type { Decided, TaskFilter, TaskRepository } from '../domain/task-repository';

type Transaction = Prisma.TransactionClient;
type TaskRow = Prisma.TaskGetPayload<object>;

const toTask = (row: TaskRow): Task => ({
  id: row.id,
  organizationId: row.organizationId,
  title: row.title,
  description: row.description,
  contactId: row.contactId,
  companyId: row.companyId,
  dealId: row.dealId,
  assigneeId: row.assigneeId,
  dueAt: row.dueAt,
  priority: row.priority,
  status: row.status,
  completedBy: row.completedBy,
  completedAt: row.completedAt,
  stage: row.stage,
  sortOrder: row.sortOrder,
  createdBy: row.createdBy,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** A task row as PostgreSQL names its columns (what `pagesByParent` returns). */
interface TaskColumns extends Record<string, unknown> {
  id: string;
  organization_id: string;
  title: string;
  description: string | null;
  contact_id: string | null;
  company_id: string | null;
  deal_id: string | null;
  assignee_id: string | null;
  due_at: Date | null;
  priority: Task['priority'];
  status: Task['status'];
  completed_by: string | null;
  completed_at: Date | null;
  stage: string | null;
  sort_order: number | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

const fromTaskColumns = (row: TaskColumns): Task => ({
  id: row.id,
  organizationId: row.organization_id,
  title: row.title,
  description: row.description,
  contactId: row.contact_id,
  companyId: row.company_id,
  dealId: row.deal_id,
  assigneeId: row.assignee_id,
  dueAt: row.due_at,
  priority: row.priority,
  status: row.status,
  completedBy: row.completed_by,
  completedAt: row.completed_at,
  stage: row.stage,
  sortOrder: row.sort_order,
  createdBy: row.created_by,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

function taskData(task: Task) {
  return {
    title: task.title,
    description: task.description,
    contactId: task.contactId,
    companyId: task.companyId,
    dealId: task.dealId,
    assigneeId: task.assigneeId,
    dueAt: task.dueAt,
    priority: task.priority,
    status: task.status,
    completedBy: task.completedBy,
    completedAt: task.completedAt,
    stage: task.stage,
    sortOrder: task.sortOrder,
    updatedAt: task.updatedAt,
  };
}

/** Newest first, then by id: a stable order for cursors. */
const ORDER: Prisma.TaskOrderByWithRelationInput[] = [{ createdAt: 'desc' }, { id: 'desc' }];
/** A checklist's order; id breaks ties should anything ever have written one. */
const CHECKLIST_ORDER: Prisma.TaskOrderByWithRelationInput[] = [{ sortOrder: 'asc' }, { id: 'asc' }];

/** Prisma turns a null companyId into IS NULL, so the organization's company-less checklists match too. */
const checklistWhere = (organizationId: string, key: ChecklistKey): Prisma.TaskWhereInput => ({
  organizationId,
  stage: key.stage,
  companyId: key.companyId,
});

function filterWhere(organizationId: string, filter: TaskFilter): Prisma.TaskWhereInput {
  return {
    organizationId,
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.assigneeId ? { assigneeId: filter.assigneeId } : {}),
    ...(filter.contactId ? { contactId: filter.contactId } : {}),
    ...(filter.companyId ? { companyId: filter.companyId } : {}),
    ...(filter.dealId ? { dealId: filter.dealId } : {}),
    ...(filter.stage ? { stage: filter.stage } : {}),
    ...(filter.dueBefore ? { dueAt: { lt: filter.dueBefore } } : {}),
  };
}

/**
 * Takes the checklists' locks until the transaction ends: transaction-level advisory locks on a hash
 * of (organization, company, stage). Every write that changes a checklist's order takes its lock
 * before locking any task row, so those writes take turns and each renumbers from the previous one's
 * result. Two locks are taken in hash order, so two writes that need the same two never wait on each
 * other crosswise; a hash collision only makes two checklists take turns too.
 */
async function lockChecklists(
  tx: Transaction,
  organizationId: string,
  keys: ReadonlyArray<ChecklistKey | null>,
): Promise<void> {
  const names = [
    ...new Set(
      keys.flatMap((key) => (key ? [`crm.tasks|${organizationId}|${key.companyId ?? ''}|${key.stage}`] : [])),
    ),
  ];
  if (names.length === 0) return;
  await tx.$executeRaw`
    SELECT pg_advisory_xact_lock(lock) FROM (
      SELECT DISTINCT hashtextextended(name, 0) AS lock FROM unnest(${names}::text[]) AS name ORDER BY lock
    ) locks`;
}

/** Stores `ids` as the checklist's order 0..n-1, writing only the rows whose place changes. */
async function writeOrder(tx: Transaction, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.$executeRaw`
    UPDATE tasks AS t SET sort_order = (v.ord - 1)::int
    FROM unnest(${[...ids]}::uuid[]) WITH ORDINALITY AS v(id, ord)
    WHERE t.id = v.id AND t.sort_order IS DISTINCT FROM (v.ord - 1)::int`;
}

async function checklistIds(tx: Transaction, organizationId: string, key: ChecklistKey): Promise<string[]> {
  const rows = await tx.task.findMany({
    where: checklistWhere(organizationId, key),
    orderBy: CHECKLIST_ORDER,
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

/**
 * Reads the task, takes the locks of the checklists `keysOf` names for it, then locks its row: a task
 * that changed checklist between the read and the lock is read again (under the locks it now needs).
 * Null when there is no such task.
 */
async function lockTask(
  tx: Transaction,
  organizationId: string,
  id: string,
  keysOf: (task: Task) => ReadonlyArray<ChecklistKey | null>,
): Promise<Task | null> {
  for (;;) {
    const seen = await tx.task.findFirst({ where: { id, organizationId } });
    if (!seen) return null;
    const keys = keysOf(toTask(seen));
    await lockChecklists(tx, organizationId, keys);
    const locked = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM tasks WHERE id = ${id}::uuid AND organization_id = ${organizationId}::uuid FOR UPDATE`;
    if (locked.length === 0) return null;
    const current = toTask(await tx.task.findUniqueOrThrow({ where: { id } }));
    const now = keysOf(current);
    if (now.length === keys.length && now.every((key, index) => sameChecklist(key, keys[index] ?? null)))
      return current;
  }
}

/**
 * Tasks over Prisma. Every call runs in the organization's tenant transaction (row-level security backs
 * up the explicit organization filter).
 */
export function taskRepository(db: TenantDatabase<Transaction>): TaskRepository {
  return {
    create: (draft, decide) =>
      db.writeDecided(draft.organizationId, async (tx) => {
        const checklist = checklistOf(draft);
        await lockChecklists(tx, draft.organizationId, [checklist]);
        const size = checklist
          ? await tx.task.count({ where: checklistWhere(draft.organizationId, checklist) })
          : 0;
        const { value: task, events } = decide(size);
        const row = await tx.task.create({
          data: {
            ...taskData(task),
            id: task.id,
            organizationId: task.organizationId,
            createdBy: task.createdBy,
            createdAt: task.createdAt,
          },
        });
        return { value: toTask(row), events };
      }),

    change: (organizationId, id, target, decide) =>
      db.writeDecided(organizationId, async (tx): Promise<Decided<Task | null>> => {
        const current = await lockTask(tx, organizationId, id, (task) => [checklistOf(task), target(task)]);
        if (!current) return { value: null, events: [] };
        const from = checklistOf(current);
        const to = target(current);
        const targetSize =
          to && !sameChecklist(from, to)
            ? await tx.task.count({ where: checklistWhere(organizationId, to) })
            : 0;
        const { value: task, events } = decide(current, targetSize);
        if (events.length === 0) return { value: task, events };
        const row = await tx.task.update({ where: { id }, data: taskData(task) });
        // The task left its checklist: the ones after it close up.
        if (from && !sameChecklist(from, checklistOf(task)))
          await writeOrder(tx, await checklistIds(tx, organizationId, from));
        return { value: toTask(row), events };
      }),

    move: (organizationId, id, decide) =>
      db.writeDecided(organizationId, async (tx): Promise<Decided<Task | null>> => {
        const current = await lockTask(tx, organizationId, id, (task) => [checklistOf(task)]);
        if (!current) return { value: null, events: [] };
        const checklist = checklistOf(current);
        const ids = checklist ? await checklistIds(tx, organizationId, checklist) : [current.id];
        const { value, events } = decide(current, ids);
        if (events.length === 0) return { value: value.task, events };
        await writeOrder(tx, value.order);
        const row = await tx.task.update({ where: { id }, data: { updatedAt: value.task.updatedAt } });
        return { value: toTask(row), events };
      }),

    remove: (organizationId, id, decide) =>
      db.writeDecided(organizationId, async (tx): Promise<Decided<boolean>> => {
        const current = await lockTask(tx, organizationId, id, (task) => [checklistOf(task)]);
        if (!current) return { value: false, events: [] };
        const { events } = decide(current);
        await tx.task.delete({ where: { id } });
        const checklist = checklistOf(current);
        if (checklist) await writeOrder(tx, await checklistIds(tx, organizationId, checklist));
        return { value: true, events };
      }),

    async byIds(organizationId, ids) {
      const rows = await db.read(organizationId, (tx) =>
        tx.task.findMany({ where: { organizationId, id: { in: uuidsOnly(ids) } } }),
      );
      return orderByKeys(ids, rows.map(toTask), (task) => task.id);
    },

    list: (organizationId, filter, request) =>
      db.read(organizationId, async (tx) => {
        const where = filterWhere(organizationId, filter);
        const [rows, totalCount] = await Promise.all([
          tx.task.findMany({
            where: { ...where, ...afterCursorWhere(request) },
            orderBy: ORDER,
            take: request.first + 1,
          }),
          tx.task.count({ where }),
        ]);
        return { rows: rows.map(toTask), totalCount };
      }),

    openAssignedTo: (organizationId, userId, request) =>
      db.read(organizationId, async (tx) => {
        const where: Prisma.TaskWhereInput = { organizationId, assigneeId: userId, status: 'open' };
        const after = request.after;
        // After the cursor in (dueAt ascending, nulls last, id) order: a dated position is followed by
        // later dates, the same date with a greater id, and every undated task; an undated one only by
        // undated tasks with a greater id.
        const afterWhere: Prisma.TaskWhereInput = !after
          ? {}
          : after.dueAt
            ? {
                OR: [
                  { dueAt: { gt: after.dueAt } },
                  { dueAt: after.dueAt, id: { gt: after.id } },
                  { dueAt: null },
                ],
              }
            : { dueAt: null, id: { gt: after.id } };
        const [rows, totalCount] = await Promise.all([
          tx.task.findMany({
            where: { ...where, ...afterWhere },
            orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }],
            take: request.first + 1,
          }),
          tx.task.count({ where }),
        ]);
        return { rows: rows.map(toTask), totalCount };
      }),

    async checklist(organizationId, key) {
      const rows = await db.read(organizationId, (tx) =>
        tx.task.findMany({ where: checklistWhere(organizationId, key), orderBy: CHECKLIST_ORDER }),
      );
      return rows.map(toTask);
    },

    ofContacts: (organizationId, contactIds, request) =>
      db.read(organizationId, async (tx) => {
        const pages = await pagesByParent<TaskColumns>(tx, {
          table: 'tasks',
          parentColumn: 'contact_id',
          organizationId,
          parentIds: contactIds,
          request,
        });
        return pages.map(({ rows, totalCount }) => ({ rows: rows.map(fromTaskColumns), totalCount }));
      }),

    assignedTo: (organizationId, userIds, request) =>
      db.read(organizationId, async (tx) => {
        const pages = await pagesByParent<TaskColumns>(tx, {
          table: 'tasks',
          parentColumn: 'assignee_id',
          organizationId,
          parentIds: userIds,
          request,
        });
        return pages.map(({ rows, totalCount }) => ({ rows: rows.map(fromTaskColumns), totalCount }));
      }),

    async hasLiveContact(organizationId, contactId) {
      const found = await db.read(organizationId, (tx) =>
        tx.contact.count({ where: { id: contactId, organizationId, deletedAt: null } }),
      );
      return found > 0;
    },
  };
}
