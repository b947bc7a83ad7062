import type { QueryResolvers } from '../../../../generated/graphql';

export const pipelineBoard: NonNullable<QueryResolvers['pipelineBoard']> = (
  _parent,
  { pipelineId, first, orderBy, filter },
  context,
) => context.deals.board(context.auth, pipelineId, filter ?? {}, { first, order: orderBy });
