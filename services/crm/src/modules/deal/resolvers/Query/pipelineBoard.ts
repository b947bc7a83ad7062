import type { QueryResolvers } from '../../../../generated/graphql';

export const pipelineBoard: NonNullable<QueryResolvers['pipelineBoard']> = (
  _parent,
  { pipelineId, dealsPerStage, orderBy, filter },
  context,
) => context.deals.board(context.auth, pipelineId, filter ?? {}, { first: dealsPerStage, order: orderBy });
