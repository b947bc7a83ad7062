import { toListConnection } from '@platform/service-kit';
import type { QueryResolvers } from '../../../../generated/graphql';

export const deals: NonNullable<QueryResolvers['deals']> = async (
  _parent,
  { first, after, filter, orderBy },
  context,
) => toListConnection(await context.deals.list(context.auth, { first, after, filter, orderBy }));
