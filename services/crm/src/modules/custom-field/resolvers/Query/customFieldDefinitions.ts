import { pageRequest } from '@platform/domain';
import { toConnection } from '@platform/service-kit';
import type { QueryResolvers } from '../../../../generated/graphql';

export const customFieldDefinitions: NonNullable<QueryResolvers['customFieldDefinitions']> = async (
  _parent,
  { first, after, filter },
  context,
) => toConnection(await context.customFields.list(context.auth, filter ?? {}, pageRequest(first, after)));
