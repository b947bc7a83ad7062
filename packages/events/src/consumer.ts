import {
  stderrLogger,
  type ConsumedMessage,
  type HeaderValue,
  type MessageProducer,
  type Messaging,
  type MessagingLogger,
  type PartitionLag,
} from '@platform/messaging';
import {
  consumerGroupName,
  dlqTopicName,
  eventCatalog,
  isCatalogEvent,
  parseEvent,
  topicName,
  type CatalogEvent,
  type EventData,
  type EventType,
} from './catalog';
import { EventValidationError, type CloudEvent } from './envelope';
import { backoffDelay, errorMessage, truncate } from './internal';
import { takeOutboxAppended, type SqlExecutor } from './outbox';
import type { OutboxWakeups } from './outbox-wakeups';
import {
  envelopeContext,
  inSpan,
  messagingAttributes,
  noteOnActiveSpan,
  SpanKind,
  SpanStatusCode,
} from './tracing';

/**
 * The consumer runner: turns the messaging seam's at-least-once delivery into effectively-once handling.
 * Each event is handled in one database transaction that also records its id in `processed_events`, so a
 * redelivered event finds its id there and is skipped; offsets are committed only after that transaction
 * committed. Poison messages are parked on `<topic>.dlq` instead of blocking their partition.
 */

/** Handles one event type; everything it writes goes through `tx`. */
export type EventHandler<T extends EventType, TTx> = (
  event: CloudEvent<T, EventData<T>>,
  tx: TTx,
) => Promise<void>;

export type EventHandlers<TTx> = { readonly [T in EventType]?: EventHandler<T, TTx> };

/** Why a message went to the dead-letter topic (the `x-dlq-reason` header). */
export type DeadLetterReason = 'invalid-envelope' | 'invalid-data' | 'handler-failed';

/** Headers a parked message carries in addition to its original ones. */
export const DLQ_HEADERS = {
  reason: 'x-dlq-reason',
  originalTopic: 'x-original-topic',
  originalPartition: 'x-original-partition',
  originalOffset: 'x-original-offset',
  error: 'x-error',
  attempts: 'x-attempts',
  consumerGroup: 'x-consumer-group',
} as const;

/** How the runner finished with one message. */
export type ConsumeOutcome = 'processed' | 'duplicate' | 'skipped' | 'dead_lettered';

/** What a service's metrics learn from a consumer (every callback is optional). */
export interface EventConsumerObserver {
  /** After each message, once its outcome is committed to the database or the dead-letter topic. */
  consumed?(message: { groupId: string; topic: string; outcome: ConsumeOutcome }): void;
  /** When a message was parked on the dead-letter topic. */
  deadLettered?(message: { groupId: string; topic: string; reason: DeadLetterReason }): void;
  /** After each handled batch: how far the group is behind on that partition. */
  lag?(lag: PartitionLag & { groupId: string }): void;
}

export interface RetryOptions {
  /** Handling attempts before a message is parked (default 5). */
  attempts?: number;
  /** Delay before the second attempt (default 200 ms), doubling after each failure … */
  initialDelayMs?: number;
  /** … up to this (default 5000 ms). */
  maxDelayMs?: number;
}

/**
 * kafkajs heartbeats between messages, not during a handler: retries of one message must end well inside
 * the group's 30 s session timeout, or the group rebalances and the message is handled again elsewhere.
 */
const MAX_RETRY_BUDGET_MS = 20_000;

export interface EventConsumerOptions<TTx extends SqlExecutor> {
  messaging: Messaging;
  /** Consumer group, e.g. 'crm.entitlements'; also the key of its rows in processed_events. */
  groupId: string;
  /** Prepended to the logical topics ('' in production). */
  topicPrefix?: string;
  /** One handler per event type; the runner subscribes to exactly the topics of these types. */
  handlers: EventHandlers<TTx>;
  /**
   * Runs `work` in one database transaction and commits it; the service sets its tenant there, e.g.
   * `select set_config('app.organization_id', event.tenantid, true)` (policies read it back as
   * `nullif(current_setting('app.organization_id', true), '')::uuid`). Reject to roll back.
   */
  transaction: (event: CatalogEvent, work: (tx: TTx) => Promise<void>) => Promise<void>;
  /** Where parked messages are sent (default messaging.producer). */
  producer?: MessageProducer;
  logger?: MessagingLogger;
  retry?: RetryOptions;
  /** Partitions handled at the same time (default 1); order within a partition always holds. */
  partitionsConsumedConcurrently?: number;
  /**
   * The service's outbox wake-ups (`createOutboxWakeups()`, the object its relay listens to): when a
   * handler appended outbox rows on its `tx` (`appendToOutbox`), the runner calls `notify()` once that
   * transaction committed, so events a handler causes go out at once too.
   */
  wakeups?: OutboxWakeups;
  /** Told what happened to each message (the service's metrics). */
  observer?: EventConsumerObserver;
}

export interface EventConsumer {
  /** Topics subscribed to (prefixed). */
  readonly topics: readonly string[];
  /**
   * Stops: no new retries start, handlers in flight finish and commit, then the consumer leaves the group.
   * A message waiting between retries is left uncommitted and comes again to the next member.
   */
  stop(): Promise<void>;
}

class StoppingError extends Error {
  override readonly name = 'StoppingError';
}

const MARK_PROCESSED =
  'INSERT INTO "processed_events" ("consumer_group", "event_id") VALUES ($1, $2::uuid) ON CONFLICT DO NOTHING';

export async function startEventConsumer<TTx extends SqlExecutor>(
  options: EventConsumerOptions<TTx>,
): Promise<EventConsumer> {
  const {
    messaging,
    groupId,
    topicPrefix = '',
    handlers,
    transaction,
    logger = stderrLogger('warn'),
    observer,
  } = options;
  const dlqProducer = options.producer ?? messaging.producer;
  const attempts = options.retry?.attempts ?? 5;
  const backoff = {
    initialDelayMs: options.retry?.initialDelayMs ?? 200,
    maxDelayMs: options.retry?.maxDelayMs ?? 5000,
  };
  if (!Number.isInteger(attempts) || attempts < 1)
    throw new RangeError('retry.attempts must be a positive integer');
  let budget = 0;
  for (let failure = 1; failure < attempts; failure += 1) budget += backoffDelay(failure, backoff);
  if (budget > MAX_RETRY_BUDGET_MS) {
    throw new RangeError(
      `retry delays add up to ${budget} ms; keep them under ${MAX_RETRY_BUDGET_MS} ms (the consumer ` +
        'does not heartbeat while it retries one message, and the group session times out after 30 s)',
    );
  }

  const handledTypes = (Object.keys(handlers) as EventType[]).filter((type) => handlers[type] !== undefined);
  if (handledTypes.length === 0) throw new Error(`consumer ${groupId}: no handlers`);
  const topics = [...new Set(handledTypes.map((type) => topicName(eventCatalog[type].topic, topicPrefix)))];

  let stopping = false;
  // Messages waiting between attempts (one per partition being handled); stop() cuts their waits short.
  const pauses = new Set<() => void>();
  const retryPause = (ms: number): Promise<void> =>
    new Promise((resolve, reject) => {
      if (stopping) {
        reject(new StoppingError('consumer stopping: retry abandoned, the message will be delivered again'));
        return;
      }
      const interrupt = (): void => {
        clearTimeout(timer);
        pauses.delete(interrupt);
        reject(new StoppingError('consumer stopping: retry abandoned, the message will be delivered again'));
      };
      const timer = setTimeout(() => {
        pauses.delete(interrupt);
        resolve();
      }, ms);
      pauses.add(interrupt);
    });

  function handlerFor(event: CatalogEvent): ((event: CatalogEvent, tx: TTx) => Promise<void>) | undefined {
    // TypeScript cannot relate handlers[event.type] to event's own member of the union (the handler of
    // `crm.contact.created.v1` takes exactly that event); the lookup by its own type makes it sound.
    return handlers[event.type] as ((event: CatalogEvent, tx: TTx) => Promise<void>) | undefined;
  }

  /** One attempt: the idempotency mark and the handler's effects commit together or not at all. */
  async function handleOnce(event: CatalogEvent, handler: (event: CatalogEvent, tx: TTx) => Promise<void>) {
    let duplicate = false;
    let used: TTx | null = null;
    try {
      await transaction(event, async (tx) => {
        used = tx;
        const inserted = await tx.$executeRawUnsafe(MARK_PROCESSED, groupId, event.id);
        if (inserted === 0) {
          duplicate = true;
          return;
        }
        await handler(event, tx);
      });
    } catch (error) {
      if (used !== null) takeOutboxAppended(used);
      throw error;
    }
    // Committed: if the handler wrote events, the relay publishes them now rather than at its next poll.
    if (used !== null && takeOutboxAppended(used)) options.wakeups?.notify();
    return duplicate;
  }

  async function park(message: ConsumedMessage, reason: DeadLetterReason, error: string, tries: number) {
    const dlq = dlqTopicName(message.topic);
    const headers: Record<string, HeaderValue> = {
      ...message.headers,
      [DLQ_HEADERS.reason]: reason,
      [DLQ_HEADERS.originalTopic]: message.topic,
      [DLQ_HEADERS.originalPartition]: String(message.partition),
      [DLQ_HEADERS.originalOffset]: message.offset,
      [DLQ_HEADERS.error]: truncate(error, 1000),
      [DLQ_HEADERS.attempts]: String(tries),
      [DLQ_HEADERS.consumerGroup]: groupId,
    };
    // If this send fails the handler rejects: nothing is committed and the message comes again.
    await dlqProducer.send(dlq, [{ key: message.key, value: message.value, headers }]);
    observer?.deadLettered?.({ groupId, topic: message.topic, reason });
    logger.error('message parked on the dead-letter topic', {
      groupId,
      reason,
      dlq,
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      attempts: tries,
      error,
    });
  }

  /**
   * One message in a consumer span whose parent is the trace the event carries, so the handler's
   * database work joins the producer's trace.
   */
  async function handleMessage(message: ConsumedMessage): Promise<void> {
    let event: CloudEvent | EventValidationError;
    try {
      event = parseEvent(message.value);
    } catch (error) {
      if (!(error instanceof EventValidationError)) throw error;
      event = error;
    }
    const parsed = event instanceof EventValidationError ? null : event;
    const outcome = await inSpan(
      `process ${message.topic}`,
      SpanKind.CONSUMER,
      envelopeContext(parsed ?? {}),
      messagingAttributes(message.topic, 'process', {
        'messaging.consumer.group.name': groupId,
        'messaging.destination.partition.id': String(message.partition),
        'messaging.kafka.offset': Number(message.offset),
        ...(parsed ? { 'cloudevents.event_id': parsed.id, 'cloudevents.event_type': parsed.type } : {}),
      }),
      async (span) => {
        const result = await handleParsed(message, event);
        span.setAttribute('platform.consume.outcome', result);
        if (result === 'dead_lettered')
          span.setStatus({ code: SpanStatusCode.ERROR, message: 'dead-lettered' });
        return result;
      },
    );
    observer?.consumed?.({ groupId, topic: message.topic, outcome });
  }

  async function handleParsed(
    message: ConsumedMessage,
    event: CloudEvent | EventValidationError,
  ): Promise<ConsumeOutcome> {
    if (event instanceof EventValidationError) {
      await park(message, event.reason, event.message, 0);
      return 'dead_lettered';
    }
    if (!isCatalogEvent(event)) {
      logger.debug('event skipped: type not in the catalog', { groupId, type: event.type, id: event.id });
      return 'skipped';
    }
    const handler = handlerFor(event);
    if (!handler) {
      logger.debug('event skipped: no handler for its type', { groupId, type: event.type, id: event.id });
      return 'skipped';
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        const duplicate = await handleOnce(event, handler);
        if (duplicate)
          logger.debug('event already processed; skipped', { groupId, type: event.type, id: event.id });
        return duplicate ? 'duplicate' : 'processed';
      } catch (error) {
        if (attempt >= attempts) {
          await park(message, 'handler-failed', errorMessage(error), attempt);
          return 'dead_lettered';
        }
        const delayMs = backoffDelay(attempt, backoff);
        noteOnActiveSpan('handler failed; retrying', { attempt, delayMs, error: errorMessage(error) });
        logger.warn('event handler failed; retrying', {
          groupId,
          type: event.type,
          id: event.id,
          attempt,
          delayMs,
          error: errorMessage(error),
        });
        // Rejects when the consumer stops: the message stays uncommitted and comes again.
        await retryPause(delayMs);
      }
    }
  }

  const onLag = observer?.lag?.bind(observer);
  const consumer = messaging.consumer({
    groupId: consumerGroupName(groupId, topicPrefix),
    ...(options.partitionsConsumedConcurrently === undefined
      ? {}
      : { partitionsConsumedConcurrently: options.partitionsConsumedConcurrently }),
    ...(onLag ? { onLag: (lag: PartitionLag) => onLag({ ...lag, groupId }) } : {}),
  });
  try {
    await consumer.subscribe(topics);
    await consumer.run(handleMessage);
  } catch (error) {
    await consumer.stop();
    throw error;
  }
  logger.info('event consumer started', { groupId, topics, types: handledTypes });

  let stopped: Promise<void> | null = null;
  return {
    topics,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        for (const interrupt of [...pauses]) interrupt();
        await consumer.stop();
      })();
      return stopped;
    },
  };
}
