import { toConnection } from '@platform/service-kit';
import type { QueryResolvers } from '../../../../generated/graphql';

export const documents: NonNullable<QueryResolvers['documents']> = async (
  _parent,
  args,
  { auth, documents: operations },
) => toConnection(await operations.list(auth, args));
