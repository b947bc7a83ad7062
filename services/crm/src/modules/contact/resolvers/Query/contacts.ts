import { toListConnection } from '@platform/service-kit';
import type { QueryResolvers } from '../../../../generated/graphql';

export const contacts: NonNullable<QueryResolvers['contacts']> = async (
  _parent,
  { first, after, filter, orderBy },
  { auth, contacts: operations },
) => toListConnection(await operations.list(auth, { first, after, filter, orderBy }));
