import type { Workflow } from '../../workflow/domain/workflow';
import type { WorkflowRun } from './workflow-run';

/** What the run operations need of storage (infra/workflow-run-repository.ts implements it). */
export interface WorkflowRunRepository {
  /**
   * The organization's runs about each subject, newest first and at most `limit` each, in subject
   * order: one query for all subjects.
   */
  bySubjects(organizationId: string, subjectIds: readonly string[], limit: number): Promise<WorkflowRun[][]>;
}

/**
 * The same storage inside a transaction that is already open (the trigger consumer's), so the runs
 * commit together with the consumer's idempotency mark.
 */
export interface WorkflowRunTransaction {
  /** The organization's workflows triggered by this event type, whatever their status. */
  workflowsTriggeredBy(organizationId: string, eventType: string): Promise<Workflow[]>;
  /** Stores the runs; a run of a workflow for an event that already has one is skipped. */
  add(runs: readonly WorkflowRun[]): Promise<void>;
}
