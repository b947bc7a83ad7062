import { toListConnection } from '@platform/service-kit';
import type { QueryResolvers } from '../../../../generated/graphql';

export const pipelines: NonNullable<QueryResolvers['pipelines']> = async (
  _parent,
  { first, after, filter, orderBy },
  context,
) => toListConnection(await context.pipelines.list(context.auth, { first, after, filter, orderBy }));
