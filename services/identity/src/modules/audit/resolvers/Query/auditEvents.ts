import { toConnection } from '@platform/service-kit';
import type { QueryResolvers } from '../../../../generated/graphql';

export const auditEvents: NonNullable<QueryResolvers['auditEvents']> = async (
  _parent,
  { filter, first, after },
  { auth, audit },
) => toConnection(await audit.list(auth, filter, first, after));
