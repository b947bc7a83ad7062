import type { MutationResolvers } from '../../../../generated/graphql';

export const deletePipeline: NonNullable<MutationResolvers['deletePipeline']> = (_parent, { id }, context) =>
  context.pipelines.remove(context.auth, id);
