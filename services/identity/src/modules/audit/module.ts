import { defineModule } from '@platform/service-kit';
import type { IdentityDependencies } from '../../service';
import { auditOperations, type AuditOperations } from './domain/audit-operations';
import { auditRepository } from './infra/audit-repository';
import { AuditActor } from './resolvers/AuditActor';
import { AuditEvent } from './resolvers/AuditEvent';
import { auditEvents } from './resolvers/Query/auditEvents';
import { exportAuditEvents } from './resolvers/Query/exportAuditEvents';
import { verifyAuditChain } from './resolvers/Query/verifyAuditChain';

export interface AuditModuleContext {
  audit: AuditOperations;
}

/** The audit trail: every service's entries, stored by the consumer, read, verified and exported here. */
export const auditModule = defineModule<IdentityDependencies, AuditModuleContext>({
  resolvers: { Query: { auditEvents, verifyAuditChain, exportAuditEvents }, AuditEvent, AuditActor },
  context: ({ tenants }) => {
    const operations = auditOperations(auditRepository(tenants));
    return () => ({ audit: operations });
  },
});
