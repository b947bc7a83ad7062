import { Kafka } from 'kafkajs';
import { stderrLogger, type LogLevel, type MessagingLogger } from '../logger';
import type { ConsumerOptions, MessageConsumer, Messaging } from '../types';
import { createKafkajsAdmin } from './admin';
import { createKafkajsConsumer } from './consumer';
import { kafkajsLevel, kafkajsLogCreator } from './logging';
import { createKafkajsProducer } from './producer';

export interface KafkaMessagingOptions {
  /** Bootstrap servers, host:port. */
  brokers: readonly string[];
  /** Names this process in broker logs and quotas, e.g. the service name. */
  clientId: string;
  /** Where client logs go (default: warnings and errors to stderr as JSON lines). */
  logger?: MessagingLogger;
  /** The least severe client log entry passed to the logger (default info). */
  logLevel?: LogLevel;
  /** TCP connect timeout per broker (default 3000 ms). */
  connectionTimeoutMs?: number;
  /** Timeout of one protocol request (default 30000 ms). */
  requestTimeoutMs?: number;
}

/** Messaging backed by kafkajs 2.x. */
export function createKafkaMessaging(options: KafkaMessagingOptions): Messaging {
  const logger = options.logger ?? stderrLogger('warn');
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    logLevel: kafkajsLevel[options.logLevel ?? 'info'],
    logCreator: kafkajsLogCreator(logger),
  });
  const producer = createKafkajsProducer(kafka, logger);
  const admin = createKafkajsAdmin(kafka);
  const consumers = new Set<MessageConsumer>();

  return {
    producer,
    admin,
    consumer(consumerOptions: ConsumerOptions): MessageConsumer {
      const consumer = createKafkajsConsumer(kafka, consumerOptions, logger);
      consumers.add(consumer);
      return consumer;
    },
    async close(): Promise<void> {
      await Promise.all([...consumers].map((consumer) => consumer.stop()));
      await Promise.all([producer.disconnect(), admin.disconnect()]);
    },
  };
}
