import { notFound } from '@platform/domain';
import type { WorkflowRunResolvers } from '../../../generated/graphql';

export const WorkflowRun: WorkflowRunResolvers = {
  // Runs are reached through Contact.workflowRuns; a bare reference carries no tenant-checked row.
  __resolveReference: () => null,
  async workflow(run, _args, { workflowById }) {
    const workflow = await workflowById.load(run.workflowId);
    if (!workflow) throw notFound('Workflow', run.workflowId);
    return workflow;
  },
};
