import { randomUUID } from 'node:crypto';
import { withTenant, uuidsOnly } from '@platform/service-kit';
import type { NewWorkflow, Workflow, WorkflowRun, WorkflowStatus } from '../domain/workflow';
import type { Database, Transaction } from './database';

export function createWorkflowStore(db: Database) {
  return {
    create(workflow: NewWorkflow): Promise<Workflow> {
      return withTenant(db, workflow.organizationId, (tx) => tx.workflow.create({ data: workflow }));
    },

    list(organizationId: string): Promise<Workflow[]> {
      return withTenant(db, organizationId, (tx) =>
        tx.workflow.findMany({ where: { organizationId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
      );
    },

    async byIds(organizationId: string, ids: readonly string[]): Promise<Workflow[]> {
      return withTenant(db, organizationId, (tx) =>
        tx.workflow.findMany({ where: { organizationId, id: { in: uuidsOnly(ids) } } }),
      );
    },

    setStatus(organizationId: string, id: string, status: WorkflowStatus): Promise<Workflow> {
      return withTenant(db, organizationId, (tx) =>
        tx.workflow.update({ where: { id }, data: { status, version: { increment: 1 } } }),
      );
    },

    /** Runs about the given subjects, newest first, at most `limit` per subject. */
    async runsForSubjects(organizationId: string, subjectIds: readonly string[], limit: number) {
      const rows = await withTenant(db, organizationId, (tx) =>
        tx.workflowRun.findMany({
          where: { organizationId, subjectId: { in: uuidsOnly(subjectIds) } },
          orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
        }),
      );
      return subjectIds.map((subjectId) => rows.filter((run) => run.subjectId === subjectId).slice(0, limit));
    },

    /**
     * Starts one run per active workflow of the organization triggered by this event type. Runs are
     * unique per (workflow, event), so a redelivered event adds nothing.
     */
    async startRuns(
      tx: Transaction,
      event: { id: string; type: string; subject: string; organizationId: string },
    ): Promise<WorkflowRun[]> {
      const workflows = await tx.workflow.findMany({
        where: { organizationId: event.organizationId, triggerEventType: event.type, status: 'active' },
      });
      if (workflows.length === 0) return [];
      await tx.workflowRun.createMany({
        data: workflows.map((workflow) => ({
          id: randomUUID(),
          organizationId: event.organizationId,
          workflowId: workflow.id,
          workflowVersion: workflow.version,
          triggerEventId: event.id,
          triggerEventType: event.type,
          subjectId: event.subject,
        })),
        skipDuplicates: true,
      });
      return tx.workflowRun.findMany({ where: { triggerEventId: event.id } });
    },
  };
}

export type WorkflowStore = ReturnType<typeof createWorkflowStore>;
