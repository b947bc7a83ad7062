import { pageRequest } from '@platform/domain';
import { toConnection } from '@platform/service-kit';
import type { QueryResolvers } from '../../../../generated/graphql';

export const tickets: NonNullable<QueryResolvers['tickets']> = async (
  _parent,
  { first, after, filter },
  context,
) => toConnection(await context.tickets.list(context.auth, filter ?? {}, pageRequest(first, after)));
