import {
  startEventConsumer,
  type EventConsumer,
  type EventHandlers,
  type OutboxWakeups,
  type SqlExecutor,
} from '@platform/events';
import type { Messaging } from '@platform/messaging';
import type { Logger } from './logger';
import type { ServiceMetrics } from './metrics';
import { messagingLogger, type ServiceStartOptions } from './service-runtime';
import type { TenantTransaction } from './tenant';
import type { TenantDatabase } from './tenant-database';

export interface TenantConsumerOptions<Tx> {
  /** Consumer group, e.g. 'crm.users'; also the key of its rows in processed_events. */
  groupId: string;
  /** One handler per event type; the consumer subscribes to exactly their topics. */
  handlers: EventHandlers<Tx>;
  /** Who the audit trail says acted when a handler's events are recorded (default the system). */
  actor?: 'system' | 'workflow';
  /**
   * Partitions handled at once (default 1). Each partition's messages stay in order; a group whose
   * work is mostly waiting on the database (webhook ingestion) keeps up better handling several.
   */
  partitionsConsumedConcurrently?: number;
}

/**
 * A service's event consumer, wired the one way every tenant service wires it: each event handled in
 * its organization's tenant transaction (audited with the event as cause), the service's topic prefix,
 * a logger naming the group, the relay woken after a handler that appended events, and the service's
 * consumer metrics.
 */
export function startTenantConsumer<Tx extends TenantTransaction & SqlExecutor>(
  service: { tenants: TenantDatabase<Tx>; logger: Logger; outbox: OutboxWakeups; metrics: ServiceMetrics },
  messaging: Messaging,
  options: Pick<ServiceStartOptions, 'kafka'>,
  consumer: TenantConsumerOptions<Tx>,
): Promise<EventConsumer> {
  const { tenants, logger, outbox, metrics } = service;
  return startEventConsumer<Tx>({
    messaging,
    groupId: consumer.groupId,
    topicPrefix: options.kafka.topicPrefix,
    logger: messagingLogger(logger.child({ component: 'consumer', group: consumer.groupId })),
    transaction: (event, work) =>
      tenants.transaction(event.tenantid, work, {
        causationEventId: event.id,
        ...(consumer.actor ? { actor: consumer.actor } : {}),
      }),
    wakeups: outbox,
    handlers: consumer.handlers,
    observer: metrics.consumerObserver(),
    ...(consumer.partitionsConsumedConcurrently === undefined
      ? {}
      : { partitionsConsumedConcurrently: consumer.partitionsConsumedConcurrently }),
  });
}
