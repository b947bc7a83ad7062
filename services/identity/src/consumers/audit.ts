import {
  startEventConsumer,
  type AuditEventType,
  type EventConsumer,
  type EventHandler,
} from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { messagingLogger, type ServiceStartOptions } from '@platform/service-kit';
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
  { tenants, logger, outbox }: IdentityDependencies,
  messaging: Messaging,
  options: ServiceStartOptions,
): Promise<EventConsumer> {
  return startEventConsumer<Transaction>({
    messaging,
    groupId: AUDIT_GROUP,
    topicPrefix: options.kafka.topicPrefix,
    logger: messagingLogger(logger.child({ component: 'consumer', group: AUDIT_GROUP })),
    transaction: (event, work) => tenants.transaction(event.tenantid, work, { causationEventId: event.id }),
    wakeups: outbox,
    handlers,
  });
}
