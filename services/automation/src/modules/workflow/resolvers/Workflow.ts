import type { WorkflowResolvers } from '../../../generated/graphql';

export const Workflow: WorkflowResolvers = {
  __resolveReference: (reference, { workflowById }) => workflowById.load(reference.id),
};
