import { pageRequest } from '@platform/domain';
import { toConnection } from '@platform/service-kit';
import type { QueryResolvers } from '../../../../generated/graphql';

export const tasks: NonNullable<QueryResolvers['tasks']> = async (
  _parent,
  { first, after, filter },
  context,
) => toConnection(await context.tasks.list(context.auth, filter ?? {}, pageRequest(first, after)));
