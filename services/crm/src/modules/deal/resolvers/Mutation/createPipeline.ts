import type { MutationResolvers } from '../../../../generated/graphql';

export const createPipeline: NonNullable<MutationResolvers['createPipeline']> = async (
  _parent,
  { input },
  context,
) => (await context.pipelines.create(context.auth, input)).pipeline;
