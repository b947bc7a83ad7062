import type { AutomationContext } from '../context';
import type { Workflow as WorkflowModel } from '../domain/workflow';

export const Workflow = {
  __resolveReference: (
    reference: { id: string },
    context: AutomationContext,
  ): Promise<WorkflowModel | null> => context.workflowById.load(reference.id),
};
