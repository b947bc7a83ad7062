import type { Actor } from '@platform/domain';
import { RUNS_PER_SUBJECT, runsFor, type Trigger, type WorkflowRun } from './workflow-run';
import type { WorkflowRunRepository, WorkflowRunTransaction } from './workflow-run-repository';

/** The run use cases: who sees which runs. */
export function workflowRunOperations(repository: WorkflowRunRepository) {
  return {
    /**
     * The runs about these subjects, in order: the actor's organization's only (another
     * organization's runs about the same contact stay hidden); none for an anonymous caller.
     */
    aboutSubjects(actor: Actor, subjectIds: readonly string[]): Promise<WorkflowRun[][]> {
      if (!actor.organizationId) return Promise.resolve(subjectIds.map(() => []));
      return repository.bySubjects(actor.organizationId, subjectIds, RUNS_PER_SUBJECT);
    },
  };
}

export type WorkflowRunOperations = ReturnType<typeof workflowRunOperations>;

/**
 * Starts the runs an event implies, in the open transaction of `store`. Runs are unique per (workflow,
 * event), so a redelivered event adds nothing. Runs imply no event (the catalog has none for them).
 */
export async function startRuns(store: WorkflowRunTransaction, trigger: Trigger): Promise<WorkflowRun[]> {
  const runs = runsFor(trigger, await store.workflowsTriggeredBy(trigger.organizationId, trigger.eventType));
  if (runs.length > 0) await store.add(runs);
  return runs;
}
