import { InputIssues } from '@platform/domain';
import { domainErrorOf } from '@platform/domain/testing';
import {
  checklistAfter,
  checkTaskChanges,
  completeTask,
  decodeDueCursor,
  deleteTask,
  draftTask,
  encodeDueCursor,
  moveTask,
  placeTask,
  reopenTask,
  reorder,
  updateTask,
  type CreateTaskInput,
  type Task,
} from '../../src/modules/task/domain/task';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const SIGNED_IN_USER = '5d1e8c3a-7b24-4f6e-9c0d-1a2b3c4d5e6f';
const COLLEAGUE = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const TASK = '7f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190';
const COMPANY = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const CREATED = new Date('2026-11-29T09:30:00.000Z');
const LATER = new Date('2026-11-29T11:00:00.000Z');

function drafted(input: Partial<CreateTaskInput> = {}) {
  const issues = new InputIssues();
  const draft = draftTask(
    { id: TASK, organizationId: ORGANIZATION, createdBy: SIGNED_IN_USER },
    { title: 'Call back', ...input },
    CREATED,
    issues,
  );
  return { draft, issues: issues.list };
}

const aTask = (overrides: Partial<Task> = {}): Task => ({ ...drafted().draft, ...overrides });

describe('task rules', () => {
  describe('drafting and placing', () => {
    it('drafts an open task of medium priority with trimmed texts, in no checklist', () => {
      const { draft, issues } = drafted({ title: '  Call back ', description: '  ' });
      expect(issues).toEqual([]);
      expect(draft).toMatchObject({
        title: 'Call back',
        description: null,
        priority: 'medium',
        status: 'open',
        stage: null,
        sortOrder: null,
        completedBy: null,
      });
      expect(placeTask(draft, 7).task.sortOrder).toBeNull();
    });

    it('puts a task with a stage at the end of its checklist', () => {
      const { draft } = drafted({ stage: ' Onboarding ', companyId: COMPANY });
      const { task, events } = placeTask(draft, 3);
      expect(task).toMatchObject({ stage: 'Onboarding', companyId: COMPANY, sortOrder: 3 });
      expect(events[0].data).toMatchObject({
        taskId: TASK,
        sortOrder: 3,
        companyId: COMPANY,
        status: 'open',
      });
    });

    it('reports every problem at once, by field', () => {
      const { issues } = drafted({
        title: 'x'.repeat(201),
        description: 'x'.repeat(10_001),
        stage: '',
        dueAt: new Date('nonsense'),
        assigneeId: 'someone',
        contactId: 'x',
        companyId: 'y',
        dealId: 'z',
      });
      expect(issues.map((issue) => issue.path)).toEqual([
        'title',
        'description',
        'stage',
        'dueAt',
        'assigneeId',
        'contactId',
        'companyId',
        'dealId',
      ]);
      expect(drafted({ title: 'x'.repeat(200), stage: 'x'.repeat(64) }).issues).toEqual([]);
      expect(drafted({ stage: 'x'.repeat(65) }).issues.map((issue) => issue.path)).toEqual(['stage']);
    });

    it('carries no free text in its event', () => {
      const { draft } = drafted({ title: 'Zanzibar', description: 'Quagmire', stage: 'Xylophone' });
      const written = JSON.stringify(placeTask(draft, 0).events);
      for (const text of ['Zanzibar', 'Quagmire', 'Xylophone']) expect(written).not.toContain(text);
    });
  });

  describe('changes', () => {
    it('refuses clearing the title or priority; null clears the optional fields', () => {
      const issues = new InputIssues();
      const changes = checkTaskChanges(
        { title: null, priority: null, description: null, dueAt: null, stage: null, companyId: null },
        issues,
      );
      expect(issues.list.map((issue) => issue.path)).toEqual(['title', 'priority']);
      expect(changes).toEqual({ description: null, dueAt: null, stage: null, companyId: null });
    });

    it('names the fields that really changed, and changes nothing when nothing differs', () => {
      const task = aTask({ priority: 'low' });
      const { task: updated, events } = updateTask(
        task,
        { priority: 'high', title: 'Call back' },
        0,
        COLLEAGUE,
        LATER,
      );
      expect(updated).toMatchObject({ priority: 'high', updatedAt: LATER });
      expect(events[0]?.data).toMatchObject({ changedFields: ['priority'], updatedBy: COLLEAGUE });
      expect(updateTask(task, { priority: 'low' }, 0, COLLEAGUE, LATER)).toEqual({ task, events: [] });
    });

    it('sends a task that changes checklist to the end of the new one, and out of any with no stage', () => {
      const task = aTask({ stage: 'Onboarding', companyId: COMPANY, sortOrder: 2 });
      expect(checklistAfter(task, { stage: 'Live' })).toEqual({ stage: 'Live', companyId: COMPANY });
      const moved = updateTask(task, { stage: 'Live' }, 5, SIGNED_IN_USER, LATER);
      expect(moved.task).toMatchObject({ stage: 'Live', sortOrder: 5 });
      expect(moved.events[0]?.data.changedFields).toEqual(['stage', 'sortOrder']);
      const otherCompany = updateTask(task, { companyId: null }, 0, SIGNED_IN_USER, LATER);
      expect(otherCompany.task).toMatchObject({ companyId: null, sortOrder: 0 });
      const out = updateTask(task, { stage: null }, 9, SIGNED_IN_USER, LATER);
      expect(out.task).toMatchObject({ stage: null, sortOrder: null });
      // Staying in the checklist keeps the place.
      expect(updateTask(task, { title: 'Renamed' }, 9, SIGNED_IN_USER, LATER).task.sortOrder).toBe(2);
    });
  });

  describe('completing and reopening', () => {
    it('completes an open task with who and when, and reopens it clearing both', () => {
      const { task: done, events } = completeTask(aTask(), COLLEAGUE, LATER);
      expect(done).toMatchObject({ status: 'completed', completedBy: COLLEAGUE, completedAt: LATER });
      expect(events[0].data).toEqual({
        taskId: TASK,
        organizationId: ORGANIZATION,
        completedBy: COLLEAGUE,
        completedAt: LATER.toISOString(),
      });
      const { task: open, events: reopened } = reopenTask(done, SIGNED_IN_USER, LATER);
      expect(open).toMatchObject({ status: 'open', completedBy: null, completedAt: null });
      expect(reopened[0].type).toBe('crm.task.reopened.v1');
    });

    it('refuses completing a completed task and reopening an open one with CONFLICT', () => {
      const done = completeTask(aTask(), COLLEAGUE, LATER).task;
      expect(domainErrorOf(() => completeTask(done, COLLEAGUE, LATER))?.code).toBe('CONFLICT');
      expect(domainErrorOf(() => reopenTask(aTask(), COLLEAGUE, LATER))?.code).toBe('CONFLICT');
    });

    it('records a deletion with who and when', () => {
      expect(deleteTask(aTask(), COLLEAGUE, LATER).events[0].data).toEqual({
        taskId: TASK,
        organizationId: ORGANIZATION,
        deletedBy: COLLEAGUE,
        deletedAt: LATER.toISOString(),
      });
    });
  });

  describe('order', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];

    it('renumbers densely: the moved id at its position, the others in their order', () => {
      expect(reorder(ids, 'e', 0)).toEqual(['e', 'a', 'b', 'c', 'd']);
      expect(reorder(ids, 'a', 2)).toEqual(['b', 'c', 'a', 'd', 'e']);
      expect(reorder(ids, 'c', 2)).toEqual(ids);
      expect(reorder(['a'], 'a', 3)).toEqual(['a']);
    });

    it('clamps the position to 0..n-1', () => {
      expect(reorder(ids, 'b', 99)).toEqual(['a', 'c', 'd', 'e', 'b']);
      expect(reorder(ids, 'd', -3)).toEqual(['d', 'a', 'b', 'c', 'e']);
    });

    it('refuses an id that is not in the checklist', () => {
      expect(() => reorder(ids, 'z', 0)).toThrow('not in the checklist');
    });

    it('moves a checklist task, with an event only when its place changes', () => {
      const [a, b, d] = [COMPANY, COLLEAGUE, SIGNED_IN_USER];
      const checklist = [a, b, TASK, d];
      const task = aTask({ stage: 'Onboarding', sortOrder: 2 });
      const moved = moveTask(task, checklist, 0, COLLEAGUE, LATER);
      expect(moved.order).toEqual([TASK, a, b, d]);
      expect(moved.task.sortOrder).toBe(0);
      expect(moved.events[0]?.data).toMatchObject({ changedFields: ['sortOrder'], sortOrder: 0 });
      expect(moveTask(task, checklist, 2, COLLEAGUE, LATER).events).toEqual([]);
    });

    it('refuses moving a task in no checklist with CONFLICT', () => {
      expect(domainErrorOf(() => moveTask(aTask(), [TASK], 0, COLLEAGUE, LATER))?.code).toBe('CONFLICT');
    });
  });

  describe('due-order cursors', () => {
    it('round-trips dated and undated positions and refuses anything else', () => {
      const dated = { dueAt: LATER, id: TASK };
      expect(decodeDueCursor(encodeDueCursor(dated))).toEqual(dated);
      expect(decodeDueCursor(encodeDueCursor({ dueAt: null, id: TASK }))).toEqual({ dueAt: null, id: TASK });
      for (const bad of ['', 'bm9wZQ', Buffer.from(`due|nonsense|${TASK}`).toString('base64url')]) {
        expect(domainErrorOf(() => decodeDueCursor(bad))?.code).toBe('BAD_USER_INPUT');
      }
    });
  });
});
