import { uuidsOnly, type TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import { toWorkflow } from '../../workflow/infra/workflow-repository';
import { WORKFLOW_RUN_STATUSES, type WorkflowRun, type WorkflowRunStatus } from '../domain/workflow-run';
import type { WorkflowRunRepository, WorkflowRunTransaction } from '../domain/workflow-run-repository';

/** A row of the ranked runs query (column names as selected). */
interface RankedRunRow {
  id: string;
  organizationId: string;
  workflowId: string;
  workflowVersion: number;
  triggerEventId: string;
  triggerEventType: string;
  subjectId: string;
  status: string;
  startedAt: Date;
  completedAt: Date | null;
}

function runStatus(value: string): WorkflowRunStatus {
  const status = WORKFLOW_RUN_STATUSES.find((known) => known === value);
  if (!status) throw new Error(`workflow_runs: unknown status ${value}`);
  return status;
}

function toWorkflowRun(row: RankedRunRow): WorkflowRun {
  return { ...row, status: runStatus(row.status) };
}

/** Runs inside an open tenant transaction (the trigger consumer's). */
export function workflowRunTransaction(tx: Prisma.TransactionClient): WorkflowRunTransaction {
  return {
    async workflowsTriggeredBy(organizationId, eventType) {
      const rows = await tx.workflow.findMany({ where: { organizationId, triggerEventType: eventType } });
      return rows.map(toWorkflow);
    },

    async add(runs) {
      await tx.workflowRun.createMany({ data: [...runs], skipDuplicates: true });
    },
  };
}

/**
 * Runs over Prisma, in the organization's tenant transaction (row-level security backs up the explicit
 * organization filter).
 */
export function workflowRunRepository(db: TenantDatabase<Prisma.TransactionClient>): WorkflowRunRepository {
  return {
    async bySubjects(organizationId, subjectIds, limit) {
      const ids = uuidsOnly(subjectIds);
      if (ids.length === 0) return subjectIds.map(() => []);
      // One statement for every subject, each cut to its newest `limit` runs (a contact may have many).
      const rows = await db.read(
        organizationId,
        (tx) => tx.$queryRaw<RankedRunRow[]>`
          select "id", "organizationId", "workflowId", "workflowVersion", "triggerEventId",
                 "triggerEventType", "subjectId", "status", "startedAt", "completedAt"
          from (
            select id, organization_id as "organizationId", workflow_id as "workflowId",
                   workflow_version as "workflowVersion", trigger_event_id as "triggerEventId",
                   trigger_event_type as "triggerEventType", subject_id as "subjectId",
                   status::text as "status", started_at as "startedAt", completed_at as "completedAt",
                   row_number() over (partition by subject_id order by started_at desc, id desc) as position
            from workflow_runs
            where organization_id = ${organizationId}::uuid and subject_id = any(${ids}::uuid[])
          ) ranked
          where position <= ${limit}
          order by "startedAt" desc, id desc`,
      );
      const runs = rows.map(toWorkflowRun);
      return subjectIds.map((subjectId) => runs.filter((run) => run.subjectId === subjectId));
    },
  };
}
