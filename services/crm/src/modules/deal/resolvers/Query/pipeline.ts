import type { QueryResolvers } from '../../../../generated/graphql';

export const pipeline: NonNullable<QueryResolvers['pipeline']> = (
  _parent,
  { id },
  { auth, pipelines, pipelineById },
) => pipelines.get(auth, id, (key) => pipelineById.load(key));
