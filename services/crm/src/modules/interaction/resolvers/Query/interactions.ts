import { toListConnection } from '@platform/service-kit';
import type { QueryResolvers } from '../../../../generated/graphql';

export const interactions: NonNullable<QueryResolvers['interactions']> = async (
  _parent,
  { first, after, filter, orderBy, deleted },
  { auth, interactions: operations },
) => toListConnection(await operations.list(auth, { first, after, filter, orderBy, deleted }));
