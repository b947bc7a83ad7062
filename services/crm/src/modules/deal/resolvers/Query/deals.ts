import { pageRequest } from '@platform/domain';
import { toConnection } from '@platform/service-kit';
import type { QueryResolvers } from '../../../../generated/graphql';

export const deals: NonNullable<QueryResolvers['deals']> = async (
  _parent,
  { first, after, filter },
  context,
) => toConnection(await context.deals.list(context.auth, filter ?? {}, pageRequest(first, after)));
