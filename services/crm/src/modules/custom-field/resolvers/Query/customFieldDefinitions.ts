import { toListConnection } from '@platform/service-kit';
import type { QueryResolvers } from '../../../../generated/graphql';

export const customFieldDefinitions: NonNullable<QueryResolvers['customFieldDefinitions']> = async (
  _parent,
  { first, after, filter, orderBy, includeArchived },
  { auth, customFields },
) => toListConnection(await customFields.list(auth, { first, after, filter, orderBy, includeArchived }));
