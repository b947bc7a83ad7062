import { DataLoader, defineModule } from '@platform/service-kit';
import type { AutomationDependencies } from '../../service';
import type { WorkflowRun as WorkflowRunModel } from './domain/workflow-run';
import { workflowRunOperations } from './domain/workflow-run-operations';
import { workflowRunRepository } from './infra/workflow-run-repository';
import { Contact } from './resolvers/Contact';
import { WorkflowRun } from './resolvers/WorkflowRun';

export interface WorkflowRunModuleContext {
  /** Runs by subject (contact) id, newest first, the caller's organization's only (one query per batch). */
  workflowRunsBySubjectId: DataLoader<string, WorkflowRunModel[]>;
}

export const workflowRunModule = defineModule<AutomationDependencies, WorkflowRunModuleContext>({
  resolvers: { WorkflowRun, Contact },
  context: ({ tenants }) => {
    const runs = workflowRunOperations(workflowRunRepository(tenants));
    return ({ auth }) => ({
      workflowRunsBySubjectId: new DataLoader((subjectIds: readonly string[]) =>
        runs.aboutSubjects(auth, subjectIds),
      ),
    });
  },
});
