import { pageRequest } from '@platform/domain';
import { toConnection } from '@platform/service-kit';
import type { QueryResolvers } from '../../../../generated/graphql';

export const pipelines: NonNullable<QueryResolvers['pipelines']> = async (
  _parent,
  { first, after },
  context,
) => toConnection(await context.pipelines.list(context.auth, pageRequest(first, after)));
