import type { QueryResolvers } from '../../../../generated/graphql';

export const exportAuditEvents: NonNullable<QueryResolvers['exportAuditEvents']> = (
  _parent,
  { filter, format, limit },
  { auth, audit },
) => audit.export(auth, filter, format, limit);
