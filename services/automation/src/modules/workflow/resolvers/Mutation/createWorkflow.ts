import type { MutationResolvers } from '../../../../generated/graphql';

/** The SDL says all there is to the input's shape; its rules are the domain's. */
export const createWorkflow: NonNullable<MutationResolvers['createWorkflow']> = (
  _parent,
  { input },
  context,
) => context.workflows.create(context.auth, input);
