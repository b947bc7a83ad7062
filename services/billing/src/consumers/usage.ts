import { appendToOutbox, type CatalogEvent, type EventConsumer } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import { measurementsOf, organizationOf, type MeteredEvent } from '../modules/usage/domain/usage';
import { meter, recheckThresholds } from '../modules/usage/domain/usage-operations';
import { usageLedger } from '../modules/usage/infra/usage-repository';
import type { BillingDependencies } from '../service';

/** Consumer group of usage metering; also its key in processed_events. */
export const USAGE_GROUP = 'billing.usage';

type Transaction = Prisma.TransactionClient;

/** The organization the event is about; an event naming another one than its tenant is refused. */
function tenantOf(event: CatalogEvent, organizationId: string): string {
  if (organizationId !== event.tenantid) {
    // Thrown, the event is retried and then parked on the dead-letter topic: a producer's bug to see.
    throw new Error(`${event.type} ${event.id} names organization ${organizationId}, not its tenant`);
  }
  return organizationId;
}

/**
 * Meters one event in its organization's tenant transaction: the usage it implies, the consumer's
 * idempotency mark (processed_events) and the outbox rows of the thresholds it reached commit together.
 */
export async function meterEvent(tx: Transaction, event: MeteredEvent): Promise<void> {
  const organizationId = tenantOf(event, organizationOf(event));
  await appendToOutbox(
    tx,
    await meter(usageLedger(tx, organizationId), organizationId, measurementsOf(event)),
  );
}

/** After the organization's entitlements changed: its gauges' thresholds against the new limits. */
async function recheck(
  event: CatalogEvent<'billing.entitlements.changed.v1' | 'billing.subscription.activated.v1'>,
  tx: Transaction,
): Promise<void> {
  const organizationId = tenantOf(event, event.data.organizationId);
  await appendToOutbox(
    tx,
    await recheckThresholds(usageLedger(tx, organizationId), organizationId, new Date(event.time)),
  );
}

/**
 * Usage from domain events: contacts and custom fields (crm), stored objects and AI tasks
 * (conversations, automation), API calls (the gateway, aggregated per window). Idempotent twice over:
 * a redelivered event is skipped by processed_events, and every event sets its source's amount
 * absolutely, so even the same usage published again under a new id counts once.
 */
export function startUsageConsumer(
  dependencies: BillingDependencies,
  messaging: Messaging,
  options: ServiceStartOptions,
): Promise<EventConsumer> {
  return startTenantConsumer<Transaction>(dependencies, messaging, options, {
    groupId: USAGE_GROUP,
    handlers: {
      'crm.contact.created.v1': (event, tx) => meterEvent(tx, event),
      'crm.contact.deleted.v1': (event, tx) => meterEvent(tx, event),
      'crm.contact.restored.v1': (event, tx) => meterEvent(tx, event),
      'crm.contact.merged.v1': (event, tx) => meterEvent(tx, event),
      'crm.custom_field.created.v1': (event, tx) => meterEvent(tx, event),
      'crm.custom_field.archived.v1': (event, tx) => meterEvent(tx, event),
      'crm.custom_field.restored.v1': (event, tx) => meterEvent(tx, event),
      'conversations.storage_object.changed.v1': (event, tx) => meterEvent(tx, event),
      'gateway.api_calls.counted.v1': (event, tx) => meterEvent(tx, event),
      'conversations.ai_usage.recorded.v1': (event, tx) => meterEvent(tx, event),
      'automation.ai_usage.recorded.v1': (event, tx) => meterEvent(tx, event),
      'billing.entitlements.changed.v1': recheck,
      'billing.subscription.activated.v1': recheck,
    },
  });
}
