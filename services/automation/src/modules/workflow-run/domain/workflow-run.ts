/** Workflow runs: which runs an event starts. No Prisma or GraphQL here. */
import { randomUUID } from 'node:crypto';
import { enumObject } from '@platform/domain';
import { startsRuns, type Workflow } from '../../workflow/domain/workflow';

/** Where a run stands (no event carries it, so the list is written here). */
export const WORKFLOW_RUN_STATUSES = ['started', 'completed', 'failed'] as const;
export const WorkflowRunStatus = enumObject(WORKFLOW_RUN_STATUSES);
export type WorkflowRunStatus = (typeof WORKFLOW_RUN_STATUSES)[number];

/** Contact.workflowRuns answers at most this many runs per contact, newest first. */
export const RUNS_PER_SUBJECT = 100;

export interface WorkflowRun {
  id: string;
  organizationId: string;
  workflowId: string;
  workflowVersion: number;
  /** The event that started the run: at most one run per workflow and event. */
  triggerEventId: string;
  triggerEventType: string;
  /** The aggregate the event was about (for crm.contact.* events, the contact). */
  subjectId: string;
  status: WorkflowRunStatus;
  startedAt: Date;
  completedAt: Date | null;
}

/** An event that may start runs, seen from automation. */
export interface Trigger {
  eventId: string;
  eventType: string;
  subjectId: string;
  organizationId: string;
  at: Date;
}

/**
 * The runs an event starts: one per workflow of its organization that is triggered by its type and
 * starts runs (is active), at the workflow's current version.
 */
export function runsFor(
  trigger: Trigger,
  workflows: readonly Workflow[],
  newId: () => string = randomUUID,
): WorkflowRun[] {
  return workflows
    .filter(
      (workflow) =>
        workflow.organizationId === trigger.organizationId &&
        workflow.triggerEventType === trigger.eventType &&
        startsRuns(workflow),
    )
    .map((workflow) => ({
      id: newId(),
      organizationId: trigger.organizationId,
      workflowId: workflow.id,
      workflowVersion: workflow.version,
      triggerEventId: trigger.eventId,
      triggerEventType: trigger.eventType,
      subjectId: trigger.subjectId,
      status: WorkflowRunStatus.started,
      startedAt: trigger.at,
      completedAt: null,
    }));
}
