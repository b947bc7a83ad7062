import { DataLoader, defineModule } from '@platform/service-kit';
import type { AutomationDependencies } from '../../service';
import type { Workflow as WorkflowModel } from './domain/workflow';
import { workflowOperations, type WorkflowOperations } from './domain/workflow-operations';
import { workflowRepository } from './infra/workflow-repository';
import { createWorkflow } from './resolvers/Mutation/createWorkflow';
import { setWorkflowStatus } from './resolvers/Mutation/setWorkflowStatus';
import { workflow } from './resolvers/Query/workflow';
import { workflows } from './resolvers/Query/workflows';
import { Workflow } from './resolvers/Workflow';

export interface WorkflowModuleContext {
  workflows: WorkflowOperations;
  /** The caller's organization's workflows by id (one query per batch). */
  workflowById: DataLoader<string, WorkflowModel | null>;
}

export const workflowModule = defineModule<AutomationDependencies, WorkflowModuleContext>({
  resolvers: { Query: { workflows, workflow }, Mutation: { createWorkflow, setWorkflowStatus }, Workflow },
  context: ({ tenants }) => {
    const repository = workflowRepository(tenants);
    const operations = workflowOperations(repository);
    return ({ auth }) => ({
      workflows: operations,
      workflowById: new DataLoader((ids: readonly string[]) =>
        auth.organizationId
          ? repository.byIds(auth.organizationId, ids)
          : Promise.resolve(ids.map(() => null)),
      ),
    });
  },
});
