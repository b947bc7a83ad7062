import { randomUUID } from 'node:crypto';
import {
  ensureEventTopics,
  isCatalogEvent,
  parseEvent,
  topicName,
  type ConsumeOutcome,
  type EventConsumerObserver,
} from '@platform/events';
import type { Messaging } from '@platform/messaging';
import type { Logger } from '@platform/service-kit';
import { realtimeEventOf, REALTIME_TOPICS, type RealtimeEvent } from './events';

/** The `group` label of the realtime consumer's metrics (its group id without the process's UUID). */
export const REALTIME_CONSUMER = 'gateway.realtime';

/**
 * Feeds the realtime endpoint from Kafka. Every replica must see every event (its clients may be of any
 * organization), so each gateway process reads with a consumer group of its own, from the end of the
 * topics (a realtime client wants what happens from now on; what it missed, it queries), and deletes the
 * group when it stops. Handing an event to `publish` never waits on a client: the endpoint queues it per
 * connection, bounded, and drops clients that fall behind. The observer hears each event's outcome
 * (processed: handed to the endpoint; skipped: unreadable, or of no subscription) and the group's lag.
 */
export async function startRealtimeFeed(options: {
  messaging: Messaging;
  topicPrefix: string;
  logger: Logger;
  publish: (event: RealtimeEvent) => void;
  observer?: EventConsumerObserver;
}): Promise<{ stop(): Promise<void> }> {
  const groupId = `${REALTIME_CONSUMER}.${randomUUID()}`;
  const observer = options.observer;
  // Idempotent; the gateway may start before conversations has created them.
  await ensureEventTopics(options.messaging.admin, { prefix: options.topicPrefix });
  // One partition at a time: handling an event is a synchronous hand-off, never a wait.
  const consumer = options.messaging.consumer({
    groupId,
    fromBeginning: false,
    onLag: (lag) => observer?.lag?.({ ...lag, groupId: REALTIME_CONSUMER }),
  });
  await consumer.subscribe(REALTIME_TOPICS.map((topic) => topicName(topic, options.topicPrefix)));
  await consumer.run((message) => {
    let outcome: ConsumeOutcome = 'skipped';
    try {
      const event = parseEvent(message.value);
      const realtime = isCatalogEvent(event) ? realtimeEventOf(event) : null;
      if (realtime) {
        options.publish(realtime);
        outcome = 'processed';
      }
    } catch (error) {
      // Nothing to retry: a realtime event that cannot be read is missed, and clients query.
      options.logger.warn({ err: error, topic: message.topic }, 'unreadable event; not streamed');
    }
    observer?.consumed?.({ groupId: REALTIME_CONSUMER, topic: message.topic, outcome });
    return Promise.resolve();
  });
  return {
    async stop() {
      await consumer.stop();
      await options.messaging.admin.deleteConsumerGroups([groupId]).catch((error: unknown) => {
        options.logger.warn({ err: error, groupId }, 'could not delete the realtime consumer group');
      });
    },
  };
}
