import { Partitioners, type Kafka, type Message } from 'kafkajs';
import type { MessagingLogger } from '../logger';
import type { MessageProducer, OutgoingMessage } from '../types';
import { translateSendError } from './errors';
import { lazyConnection } from './lifecycle';

/** acks=all: a send resolves only once every in-sync replica has the messages. */
const ACKS_ALL = -1;

export function createKafkajsProducer(kafka: Kafka, logger: MessagingLogger): MessageProducer {
  const producer = kafka.producer({
    // kafkajs 2 warns on every producer unless the partitioner is chosen explicitly. The default one
    // hashes keys with murmur2 like the Java client, so keyed messages land on the same partitions
    // whichever client produced them.
    createPartitioner: Partitioners.DefaultPartitioner,
    // Broker-side de-duplication of retried batches (producer id + sequence numbers); kafkajs then
    // retries without limit, so a send fails only on non-retriable errors.
    idempotent: true,
    // KIP-98 as kafkajs implements it: one in-flight request per connection keeps sequence numbers in
    // order across retries.
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  const connection = lazyConnection(
    () => producer.connect(),
    () => producer.disconnect(),
  );
  // Overlapping send() calls go out one at a time, in call order, so one key's messages keep the order of
  // the calls. kafkajs alone does not promise that: each send first awaits metadata and partitioning, and
  // only then queues for the per-broker lock its idempotent producer holds while it assigns sequence
  // numbers and produces. With that lock in place anyway, queueing here costs little.
  let queue: Promise<unknown> = Promise.resolve();

  return {
    send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
      const sent = queue.then(async () => {
        if (messages.length === 0) return;
        await connection.open();
        try {
          await producer.send({ topic, acks: ACKS_ALL, messages: messages.map(toKafkajsMessage) });
        } catch (error) {
          logger.debug('send failed', { topic, error: String(error) });
          throw translateSendError(error, topic);
        }
      });
      queue = sent.catch(() => undefined);
      return sent;
    },
    async disconnect(): Promise<void> {
      await queue;
      await connection.close();
    },
  };
}

function toKafkajsMessage(message: OutgoingMessage): Message {
  return { key: message.key, value: message.value, headers: message.headers ? { ...message.headers } : {} };
}
