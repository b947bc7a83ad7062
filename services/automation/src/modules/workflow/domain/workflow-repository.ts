import type { Workflow, WorkflowCreated, WorkflowStatusChanged } from './workflow';

/** What the workflow operations need of storage (infra/workflow-repository.ts implements it). */
export interface WorkflowRepository {
  /** Stores a new workflow and its events in one transaction. */
  create(workflow: Workflow, events: readonly WorkflowCreated[]): Promise<Workflow>;
  /** The organization's workflows with these ids, in id order (null where none). */
  byIds(organizationId: string, ids: readonly string[]): Promise<Array<Workflow | null>>;
  /** The organization's workflows, newest first. */
  list(organizationId: string): Promise<Workflow[]>;
  /**
   * Stores a change decided on the workflow as it was at `expectedVersion`, with its events, in one
   * transaction. Null when the stored workflow is no longer at that version (someone changed it
   * meanwhile): then nothing is written, neither the change nor its events.
   */
  update(
    workflow: Workflow,
    expectedVersion: number,
    events: readonly WorkflowStatusChanged[],
  ): Promise<Workflow | null>;
}
