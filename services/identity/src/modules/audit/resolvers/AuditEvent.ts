import type { AuditEventResolvers } from '../../../generated/graphql';

export const AuditEvent: AuditEventResolvers = {
  recordedAt: (entry) => entry.createdAt,
};
