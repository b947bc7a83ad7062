import type { AuditEventType, EventConsumer, EventHandler } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import { appendAuditEntry } from '../modules/audit/infra/audit-repository';
import type { IdentityDependencies } from '../service';

/** Consumer group of the audit trail; also its key in processed_events. */
export const AUDIT_GROUP = 'identity.audit';

type Transaction = Prisma.TransactionClient;

/** Every service's audit entry joins its organization's chain. */
const store: EventHandler<AuditEventType, Transaction> = async (event, tx) => {
  await appendAuditEntry(tx, event.id, event.data, new Date());
};

const handlers: { readonly [T in AuditEventType]: EventHandler<T, Transaction> } = {
  'identity.audit.recorded.v1': store,
  'crm.audit.recorded.v1': store,
  'billing.audit.recorded.v1': store,
  'conversations.audit.recorded.v1': store,
  'automation.audit.recorded.v1': store,
};

/** Stores the audit entries every service publishes, append-only and hash-chained per organization. */
export function startAuditConsumer(
  dependencies: IdentityDependencies,
  messaging: Messaging,
  options: ServiceStartOptions,
): Promise<EventConsumer> {
  return startTenantConsumer<Transaction>(dependencies, messaging, options, {
    groupId: AUDIT_GROUP,
    handlers,
  });
}
