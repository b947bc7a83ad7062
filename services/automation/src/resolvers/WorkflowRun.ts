import { DomainError } from '@platform/service-kit';
import type { AutomationContext } from '../context';
import type { Workflow, WorkflowRun as WorkflowRunModel } from '../domain/workflow';

export const WorkflowRun = {
  // Runs are reached through Contact.workflowRuns; a bare reference carries no tenant-checked row.
  __resolveReference: () => null,
  async workflow(run: WorkflowRunModel, _args: unknown, context: AutomationContext): Promise<Workflow> {
    const workflow = await context.workflowById.load(run.workflowId);
    if (!workflow) throw new DomainError('NOT_FOUND', `Workflow ${run.workflowId} not found`);
    return workflow;
  },
};
