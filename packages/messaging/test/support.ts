import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import path from 'node:path';
import {
  createKafkaMessaging,
  DEFAULT_BROKERS,
  readMessagingEnvironment,
  recordingLogger,
  type ConsumedMessage,
  type MessageConsumer,
  type Messaging,
  type MessagingLogger,
} from '../src';

export { recordingLogger };

/** KAFKA_BROKERS, default the local broker 127.0.0.1:9092. */
export const { brokers } = readMessagingEnvironment();

const KAFKA_SCRIPT = path.resolve(__dirname, '../../../infra/kafka/kafka.sh');

function answers(address: string): Promise<boolean> {
  const [host = '127.0.0.1', port = '9092'] = address.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port), timeout: 1000 });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/**
 * These tests run against a real broker. With KAFKA_BROKERS unset and nothing listening on 127.0.0.1:9092
 * they start the local one with `infra/kafka/kafka.sh start` (idempotent and safe from parallel test
 * files) and leave it running; stop it with `kafka.sh stop`.
 */
export async function ensureBroker(): Promise<void> {
  const local = brokers.length === 1 && brokers[0] === DEFAULT_BROKERS[0];
  if (!local || (await answers(DEFAULT_BROKERS[0] ?? '127.0.0.1:9092'))) return;
  await new Promise<void>((resolve, reject) => {
    execFile('bash', [KAFKA_SCRIPT, 'start'], { timeout: 300_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`kafka.sh start failed: ${error.message}\n${stderr}`)) : resolve(),
    );
  });
}

/** A name no other test (or earlier run) uses, so test files run in parallel against one broker. */
export function uniqueName(kind: string): string {
  return `test.messaging.${kind}.${randomUUID().slice(0, 8)}`;
}

export function testMessaging(logger: MessagingLogger = recordingLogger()): Messaging {
  return createKafkaMessaging({ brokers, clientId: uniqueName('client'), logger });
}

/** Polls `check` until it returns true; fails with `what` once the deadline passes. */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts a consumer that records every message it handles. */
export async function collect(
  messaging: Messaging,
  topics: readonly string[],
  groupId: string,
  handle: (message: ConsumedMessage) => Promise<void> = () => Promise.resolve(),
): Promise<{ consumer: MessageConsumer; received: ConsumedMessage[] }> {
  const received: ConsumedMessage[] = [];
  const consumer = messaging.consumer({ groupId });
  await consumer.subscribe(topics);
  await consumer.run(async (message) => {
    await handle(message);
    received.push(message);
  });
  return { consumer, received };
}

export const text = (buffer: Buffer | null | undefined): string | null => buffer?.toString('utf8') ?? null;

/** Deletes what a test created; runs even when the test failed. */
export async function cleanUp(
  messaging: Messaging,
  { topics = [], groups = [] }: { topics?: readonly string[]; groups?: readonly string[] },
): Promise<void> {
  await messaging.close();
  const admin = createKafkaMessaging({
    brokers,
    clientId: uniqueName('cleanup'),
    logger: recordingLogger(),
  }).admin;
  try {
    await admin.deleteConsumerGroups(groups);
    await admin.deleteTopics(topics);
  } finally {
    await admin.disconnect();
  }
}
