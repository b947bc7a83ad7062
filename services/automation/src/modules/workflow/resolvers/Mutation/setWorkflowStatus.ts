import type { MutationResolvers } from '../../../../generated/graphql';

/** A malformed id names no workflow: NOT_FOUND, like an unknown one. */
export const setWorkflowStatus: NonNullable<MutationResolvers['setWorkflowStatus']> = (
  _parent,
  { id, status },
  context,
) => context.workflows.setStatus(context.auth, id, status);
