import type { QueryResolvers } from '../../../../generated/graphql';

export const workflow: NonNullable<QueryResolvers['workflow']> = (
  _parent,
  { id },
  { auth, workflows, workflowById },
) => workflows.get(auth, id, (key) => workflowById.load(key));
