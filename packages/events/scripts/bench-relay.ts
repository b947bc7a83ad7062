// Outbox relay throughput: writes EVENTS outbox rows into a scratch database, then times one relay
// publishing them to a scratch topic (acks=all) and prints events/s. Cleans up after itself.
//
//   pnpm --filter @platform/events bench            # 20000 events, batch sizes 100 and 500
//   EVENTS=5000 BATCH_SIZES=100 pnpm --filter @platform/events bench
//
// DATABASE_URL: an admin URL (default postgresql://postgres@127.0.0.1:5432/postgres);
// KAFKA_BROKERS: bootstrap servers (default 127.0.0.1:9092).
import { randomBytes, randomUUID } from 'node:crypto';
import { createKafkaMessaging, readMessagingEnvironment, silentLogger } from '@platform/messaging';
import { Client, Pool } from 'pg';
import {
  appendToOutbox,
  createEvent,
  DLQ_SUFFIX,
  ensureEventTopics,
  EVENT_TOPICS,
  OUTBOX_TABLES_SQL,
  startOutboxRelay,
  topicName,
} from '../src';

const adminUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const total = Number(process.env.EVENTS ?? 20_000);
const batchSizes = (process.env.BATCH_SIZES ?? '100,500').split(',').map(Number);

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const suffix = randomBytes(4).toString('hex');
  const database = `bench_events_${suffix}`;
  const prefix = `bench.${suffix}.`;
  const messaging = createKafkaMessaging({
    ...readMessagingEnvironment(),
    clientId: 'events-bench',
    logger: silentLogger,
  });
  await admin((client) => client.query(`CREATE DATABASE "${database}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const pool = new Pool({ connectionString: url.toString(), max: 4 });
  try {
    await pool.query(OUTBOX_TABLES_SQL);
    await ensureEventTopics(messaging.admin, { prefix, partitions: 6 });
    const organizationId = randomUUID();
    const contacts = Array.from({ length: 200 }, () => randomUUID());

    for (const batchSize of batchSizes) {
      await pool.query('TRUNCATE "outbox_events"');
      const writeStarted = Date.now();
      for (let written = 0; written < total; written += 100) {
        const events = Array.from({ length: Math.min(100, total - written) }, (_, index) => {
          const contactId = contacts[(written + index) % contacts.length] ?? randomUUID();
          return createEvent('crm.contact.created.v1', {
            subject: contactId,
            tenantId: organizationId,
            source: '/services/crm',
            data: {
              contactId,
              organizationId,
              ownerId: null,
              companyId: null,
              relationshipState: 'Lead',
              tags: [],
              createdAt: new Date().toISOString(),
            },
          });
        });
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await appendToOutbox(
            {
              $executeRawUnsafe: async (query, ...values) =>
                (await client.query(query, values)).rowCount ?? 0,
            },
            events,
          );
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      }
      const writeMs = Date.now() - writeStarted;

      const started = Date.now();
      const relay = startOutboxRelay({
        pool,
        producer: messaging.producer,
        topicPrefix: prefix,
        batchSize,
        logger: silentLogger,
      });
      await relay.flush({ timeoutMs: 600_000 });
      const publishMs = Date.now() - started;
      await relay.stop();
      const perSecond = Math.round((relay.publishedCount / publishMs) * 1000);
      process.stdout.write(
        `batchSize=${batchSize}: wrote ${total} outbox rows in ${writeMs} ms (${Math.round((total / writeMs) * 1000)} rows/s); ` +
          `relay published ${relay.publishedCount} in ${publishMs} ms = ${perSecond} events/s\n`,
      );
    }
  } finally {
    await pool.end();
    await admin((client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
    await messaging.admin.deleteTopics(
      EVENT_TOPICS.flatMap((topic) => [topicName(topic, prefix), `${topicName(topic, prefix)}${DLQ_SUFFIX}`]),
    );
    await messaging.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
