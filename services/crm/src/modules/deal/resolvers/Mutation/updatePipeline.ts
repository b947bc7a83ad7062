import type { MutationResolvers } from '../../../../generated/graphql';

export const updatePipeline: NonNullable<MutationResolvers['updatePipeline']> = (
  _parent,
  { id, expectedVersion, input },
  context,
) => context.pipelines.update(context.auth, id, expectedVersion, input);
