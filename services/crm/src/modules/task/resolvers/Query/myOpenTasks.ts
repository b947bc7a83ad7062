import type { QueryResolvers } from '../../../../generated/graphql';
import { encodeDueCursor } from '../../domain/task';

/** Cursors of this list are positions in its own order (dueAt, id), not the platform's (createdAt, id). */
export const myOpenTasks: NonNullable<QueryResolvers['myOpenTasks']> = async (
  _parent,
  { first, after },
  context,
) => {
  const page = await context.tasks.myOpen(context.auth, first, after);
  const edges = page.items.map((node) => ({ cursor: encodeDueCursor(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: page.totalCount,
  };
};
