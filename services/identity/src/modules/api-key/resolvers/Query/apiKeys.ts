import { toConnection } from '@platform/service-kit';
import type { QueryResolvers } from '../../../../generated/graphql';

export const apiKeys: NonNullable<QueryResolvers['apiKeys']> = async (
  _parent,
  { first, after },
  { auth, apiKeys },
) => toConnection(await apiKeys.list(auth, first, after));
