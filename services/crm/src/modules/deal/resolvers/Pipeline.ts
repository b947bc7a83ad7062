import type { PipelineResolvers } from '../../../generated/graphql';

export const Pipeline: PipelineResolvers = {
  __resolveReference: (reference, { pipelineById }) => pipelineById.load(reference.id),
  /** Batched: the stages of N pipelines cost what one pipeline's cost. */
  stages: (pipeline, _args, { stagesByPipeline }) => stagesByPipeline.load(pipeline.id),
  /** A reference the identity subgraph resolves (batched there). */
  createdBy: (pipeline) => ({ id: pipeline.createdBy }),
};
