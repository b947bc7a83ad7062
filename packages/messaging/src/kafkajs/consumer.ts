import type { EachMessagePayload, IHeaders, Kafka } from 'kafkajs';
import type { MessagingLogger } from '../logger';
import type { ConsumedMessage, ConsumerOptions, MessageConsumer, MessageHandler } from '../types';
import { lazyConnection } from './lifecycle';

type State = 'idle' | 'running' | 'stopping' | 'stopped';

const FETCH_MAX_WAIT_MS = 1000;

export function createKafkajsConsumer(
  kafka: Kafka,
  options: ConsumerOptions,
  logger: MessagingLogger,
): MessageConsumer {
  const { groupId } = options;
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    // The longest a fetch waits on the broker for new messages. stop() has to wait for the fetch in flight,
    // so the kafkajs default of 5 s would make every stop take up to 5 s; idle fetches once a second cost
    // next to nothing.
    maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
    // The broker answers a waiting fetch as soon as one byte arrived (the kafkajs default, set here because
    // delivery latency depends on it): maxWaitTimeInMs then only bounds idle fetches and never delays a
    // message. A larger minBytes would batch more per fetch at the price of waiting for it.
    minBytes: 1,
  });
  const connection = lazyConnection(
    () => consumer.connect(),
    () => consumer.disconnect(),
  );
  const topics = new Set<string>();
  // Handler-plus-commit promises that have started; stop() waits for them before disconnecting, because
  // kafkajs silently skips commitOffsets once its runner is stopping.
  const inFlight = new Set<Promise<void>>();
  let state: State = 'idle';
  let stopped: Promise<void> | null = null;

  consumer.on(consumer.events.CRASH, ({ payload }) => {
    logger.error('consumer crashed', { groupId, error: String(payload.error), restart: payload.restart });
  });
  const { onLag } = options;
  if (onLag) {
    // kafkajs reports each batch's lag once the batch is handled: no extra request to the broker.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const messages = Number(payload.offsetLag);
      if (Number.isFinite(messages)) {
        onLag({ topic: payload.topic, partition: payload.partition, messages: Math.max(messages, 0) });
      }
    });
  }

  async function handleAndCommit(handler: MessageHandler, payload: EachMessagePayload): Promise<void> {
    const message = toConsumedMessage(payload);
    try {
      await handler(message);
    } catch (error) {
      logger.error('message handler failed; offset not committed, the message will be delivered again', {
        groupId,
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        error: error instanceof Error ? error.message : String(error),
      });
      // Rejecting tells kafkajs not to move past this message: it fetches it again after a backoff.
      throw error;
    }
    // Kafka's committed offset is the next one to read.
    const next = (BigInt(message.offset) + 1n).toString();
    await consumer.commitOffsets([{ topic: message.topic, partition: message.partition, offset: next }]);
  }

  return {
    async subscribe(names: readonly string[]): Promise<void> {
      if (state !== 'idle') throw new Error('MessageConsumer.subscribe() must be called before run()');
      await connection.open();
      await consumer.subscribe({ topics: [...names], fromBeginning: options.fromBeginning ?? true });
      for (const name of names) topics.add(name);
    },

    async run(handler: MessageHandler): Promise<void> {
      if (state !== 'idle') throw new Error(`MessageConsumer.run() called on a consumer that is ${state}`);
      if (topics.size === 0) throw new Error('MessageConsumer.run() needs subscribe() first');
      state = 'running';
      await consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachMessage: (payload) => {
          // Fetched before stop() paused the topics: leave it uncommitted for the member that gets the
          // partition next.
          if (state !== 'running') return Promise.resolve();
          const work = handleAndCommit(handler, payload);
          inFlight.add(work);
          return work.finally(() => inFlight.delete(work));
        },
      });
    },

    stop(): Promise<void> {
      stopped ??= (async () => {
        const wasRunning = state === 'running';
        state = 'stopping';
        if (wasRunning) {
          try {
            consumer.pause([...topics].map((topic) => ({ topic })));
          } catch (error) {
            // kafkajs throws while it restarts after a crash (no group yet): nothing is being fetched then.
            logger.debug('could not pause before stopping', { groupId, error: String(error) });
          }
          await Promise.allSettled([...inFlight]);
        }
        await connection.close();
        state = 'stopped';
      })();
      return stopped;
    },
  };
}

function toConsumedMessage({ topic, partition, message }: EachMessagePayload): ConsumedMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ?? null,
    value: message.value,
    headers: toHeaders(message.headers),
    timestamp: new Date(Number(message.timestamp)),
  };
}

function toHeaders(headers: IHeaders | undefined): Record<string, Buffer> {
  const result: Record<string, Buffer> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw.at(-1) : raw;
    if (value !== undefined) result[name] = typeof value === 'string' ? Buffer.from(value) : value;
  }
  return result;
}
