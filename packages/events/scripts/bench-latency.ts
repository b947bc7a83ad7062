// Outbox latency and idle cost, end to end through real PostgreSQL and Kafka. Two processes, as on the
// platform: this one writes and runs the relay (the producing service), a child runs the consumer (the
// consuming service).
//
//  (a) commit → consumer: RATE events/s, one transaction each, for SECONDS; after each commit the write
//      path wakes the relay (`notifyAfter`). One relay with wake-ups; one consumer runner
//      (startEventConsumer) whose handler writes in its transaction. Prints p50/p99/max from the writer's
//      COMMIT to Kafka's acknowledgement of the relay's send, to the handler being called and to the
//      consumer's transaction having committed (the effect).
//  (b) idle: SQL statements the relay and the consumer send while nothing is written (each pg
//      connection's query method wrapped), over IDLE_SECONDS right after the burst (the relay's poll
//      backing off) and over the IDLE_SECONDS after that (steady state).
//
//   pnpm --filter @platform/events bench:latency
//   RATE=200 SECONDS=10 IDLE_SECONDS=10 CONCURRENCY=1 pnpm --filter @platform/events bench:latency
//
// CONCURRENCY: the consumer's partitionsConsumedConcurrently (default 1, the runner's default);
// WAKEUPS=0: the relay without wake-ups, polling only (for comparison).
// DATABASE_URL: an admin URL (default postgresql://postgres@127.0.0.1:5432/postgres);
// KAFKA_BROKERS: bootstrap servers (default 127.0.0.1:9092). Prints numbers, asserts nothing; cleans up.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  createKafkaMessaging,
  readMessagingEnvironment,
  silentLogger,
  type MessageProducer,
} from '@platform/messaging';
import { Client, Pool, type PoolClient } from 'pg';
import {
  appendToOutbox,
  createEvent,
  createOutboxWakeups,
  dlqTopicName,
  OUTBOX_TABLES_SQL,
  startEventConsumer,
  startOutboxRelay,
  topicName,
  type EventConsumer,
  type OutboxRelay,
  type SqlExecutor,
} from '../src';

const adminUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const rate = Number(process.env.RATE ?? 200);
const seconds = Number(process.env.SECONDS ?? 10);
const idleSeconds = Number(process.env.IDLE_SECONDS ?? 10);
const concurrency = Number(process.env.CONCURRENCY ?? 1);
const useWakeups = process.env.WAKEUPS !== '0';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Milliseconds on a clock both processes share (performance.now() alone starts at each process's start). */
const now = (): number => performance.timeOrigin + performance.now();

/** What the consumer process reports: [event id, handler called, transaction committed]. */
type Effect = [id: string, handled: number, committed: number];
type ChildMessage =
  | { kind: 'ready' }
  | { kind: 'effects'; effects: Effect[] }
  | { kind: 'statements'; counts: Array<[string, number]> };
type ParentMessage = { kind: 'count-start' } | { kind: 'count-stop' } | { kind: 'stop' };

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Statements per component: each pool's connections count what they send (the connection's query
 * method wrapped when the pool opens it), keyed by the pool's label and the statement's first words.
 */
class StatementCounter {
  private counts = new Map<string, number>();
  private counting = false;

  pool(url: string, label: string, max: number): Pool {
    const pool = new Pool({ connectionString: url, max });
    pool.on('connect', (client: PoolClient) => {
      type Query = (...args: unknown[]) => unknown;
      const query = client.query.bind(client) as Query;
      const counted: Query = (...args) => {
        if (this.counting) {
          const text = typeof args[0] === 'string' ? args[0] : '(query config)';
          const key = `${label}: ${text.trim().split(/\s+/).slice(0, 4).join(' ')}`;
          this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
        }
        return query(...args);
      };
      client.query = counted as typeof client.query;
    });
    // pool.end() does not wait for its connections to close, so DROP DATABASE … WITH (FORCE) can still
    // terminate one; without a listener that error would crash the script.
    pool.on('error', () => undefined);
    return pool;
  }

  start(): void {
    this.counts = new Map();
    this.counting = true;
  }

  stop(): Map<string, number> {
    this.counting = false;
    return this.counts;
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

function summary(name: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const ms = (value: number): string => `${value.toFixed(1)} ms`;
  return (
    `${name.padEnd(32)} p50 ${ms(percentile(sorted, 0.5))}, p99 ${ms(percentile(sorted, 0.99))}, ` +
    `max ${ms(sorted.at(-1) ?? Number.NaN)} (n=${sorted.length})`
  );
}

async function inTransaction(pool: Pool, work: (tx: SqlExecutor) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await work({
      $executeRawUnsafe: async (query, ...values) => (await client.query(query, values)).rowCount ?? 0,
    });
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** The consuming service: one consumer runner; reports effects in batches and counts its statements. */
async function consumerProcess(url: string, prefix: string, groupId: string): Promise<void> {
  const send = (message: ChildMessage): void => void process.send?.(message);
  const counter = new StatementCounter();
  const pool = counter.pool(url, 'consumer', Math.max(2, concurrency));
  const messaging = createKafkaMessaging({
    ...readMessagingEnvironment(),
    clientId: 'events-bench-consumer',
    logger: silentLogger,
  });
  const handledAt = new Map<string, number>();
  let effects: Effect[] = [];
  const report = setInterval(() => {
    if (effects.length === 0) return;
    send({ kind: 'effects', effects });
    effects = [];
  }, 100);
  const consumer: EventConsumer = await startEventConsumer<SqlExecutor>({
    messaging,
    groupId,
    topicPrefix: prefix,
    logger: silentLogger,
    partitionsConsumedConcurrently: concurrency,
    handlers: {
      'crm.contact.created.v1': async (event, tx) => {
        handledAt.set(event.id, now());
        // An effect as small as a real one gets: one write besides the runner's processed_events row.
        await tx.$executeRawUnsafe(
          'UPDATE "processed_events" SET "processed_at" = now() WHERE "consumer_group" = $1 AND "event_id" = $2::uuid',
          groupId,
          event.id,
        );
      },
    },
    transaction: async (event, work) => {
      await inTransaction(pool, work);
      effects.push([event.id, handledAt.get(event.id) ?? Number.NaN, now()]);
      handledAt.delete(event.id);
    },
  });
  process.on('message', (message: ParentMessage) => {
    switch (message.kind) {
      case 'count-start':
        counter.start();
        break;
      case 'count-stop':
        send({ kind: 'statements', counts: [...counter.stop()] });
        break;
      case 'stop':
        clearInterval(report);
        void (async () => {
          await consumer.stop();
          await messaging.close();
          await pool.end();
          process.disconnect();
        })();
        break;
    }
  });
  send({ kind: 'ready' });
}

/** Waits for the child's next message of one kind. */
function next<K extends ChildMessage['kind']>(
  child: ChildProcess,
  kind: K,
): Promise<Extract<ChildMessage, { kind: K }>> {
  return new Promise((resolve) => {
    const listener = (message: ChildMessage): void => {
      if (message.kind !== kind) return;
      child.off('message', listener);
      resolve(message as Extract<ChildMessage, { kind: K }>);
    };
    child.on('message', listener);
  });
}

function printStatements(window: string, counts: ReadonlyMap<string, number>): void {
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  process.stdout.write(
    `(b) idle, ${window}: ${total} SQL statements in ${idleSeconds} s = ` +
      `${(total / idleSeconds).toFixed(2)}/s (one relay + one consumer)\n`,
  );
  for (const [statement, count] of [...counts].sort((a, b) => b[1] - a[1])) {
    process.stdout.write(`      ${String(count).padStart(5)}  ${statement}\n`);
  }
}

async function main(): Promise<void> {
  const counter = new StatementCounter();
  const suffix = randomBytes(4).toString('hex');
  const database = `bench_events_${suffix}`;
  const prefix = `bench.${suffix}.`;
  const groupId = `bench.latency.${suffix}`;
  const topic = topicName('crm.contact', prefix);
  const messaging = createKafkaMessaging({
    ...readMessagingEnvironment(),
    clientId: 'events-bench-latency',
    logger: silentLogger,
  });
  await admin((client) => client.query(`CREATE DATABASE "${database}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const writerPool = counter.pool(url.toString(), 'writer', 4);
  const relayPool = counter.pool(url.toString(), 'relay', 1);

  const committedAt = new Map<string, number>();
  const sentAt = new Map<string, number>();
  const effects = new Map<string, Effect>();
  const organizationId = randomUUID();
  const contacts = Array.from({ length: 200 }, () => randomUUID());
  const wakeups = createOutboxWakeups();

  /** One transaction with one event; its commit time is taken when COMMIT returned, then the wake-up. */
  const write = (index: number): Promise<void> => {
    const contactId = contacts[index % contacts.length] ?? randomUUID();
    const event = createEvent('crm.contact.created.v1', {
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
    return wakeups.notifyAfter(
      inTransaction(writerPool, (tx) => appendToOutbox(tx, [event])).then(() => {
        committedAt.set(event.id, now());
      }),
    );
  };

  // The shared producer, timing when Kafka acknowledged each event (acks=all).
  const timedProducer: MessageProducer = {
    async send(name, messages) {
      await messaging.producer.send(name, messages);
      const acknowledged = now();
      for (const message of messages) {
        const id = message.headers?.ce_id;
        if (typeof id === 'string') sentAt.set(id, acknowledged);
      }
    },
    disconnect: () => messaging.producer.disconnect(),
  };

  let relay: OutboxRelay | undefined;
  let child: ChildProcess | undefined;
  try {
    await writerPool.query(OUTBOX_TABLES_SQL);
    await messaging.admin.ensureTopics([
      { name: topic, partitions: 6 },
      { name: dlqTopicName(topic), partitions: 1 },
    ]);
    relay = startOutboxRelay({
      pool: relayPool,
      producer: timedProducer,
      topicPrefix: prefix,
      source: 'bench',
      ...(useWakeups ? { wakeups } : {}),
      logger: silentLogger,
    });
    // The same script, run with tsx's loader again (process.execArgv), in the consumer role.
    child = fork(__filename, ['consumer', url.toString(), prefix, groupId], { execArgv: process.execArgv });
    child.on('message', (message: ChildMessage) => {
      if (message.kind === 'effects') for (const effect of message.effects) effects.set(effect[0], effect);
    });
    await next(child, 'ready');

    const waitForEffects = async (expected: number, timeoutMs: number): Promise<void> => {
      const deadline = Date.now() + timeoutMs;
      while (effects.size < expected) {
        if (Date.now() > deadline) throw new Error(`fewer than ${expected} effects after ${timeoutMs} ms`);
        await sleep(100);
      }
    };

    // Warm-up: the group has its partitions and every connection is open before anything is timed.
    const warmUp = 20;
    for (let index = 0; index < warmUp; index += 1) await write(index);
    await waitForEffects(warmUp, 60_000);
    committedAt.clear();
    sentAt.clear();
    effects.clear();

    const total = Math.round(rate * seconds);
    const started = performance.now();
    const writes: Promise<void>[] = [];
    for (let index = 0; index < total; index += 1) {
      const wait = started + (index * 1000) / rate - performance.now();
      if (wait > 0) await sleep(wait);
      writes.push(write(index));
    }
    await Promise.all(writes);
    const writeSeconds = (performance.now() - started) / 1000;
    await waitForEffects(total, 60_000);

    const sent: number[] = [];
    const handled: number[] = [];
    const committed: number[] = [];
    for (const [id, commit] of committedAt) {
      const acknowledged = sentAt.get(id);
      const effect = effects.get(id);
      if (acknowledged !== undefined) sent.push(acknowledged - commit);
      if (effect) {
        handled.push(effect[1] - commit);
        committed.push(effect[2] - commit);
      }
    }
    process.stdout.write(
      `(a) ${total} events, one per transaction, ${Math.round(total / writeSeconds)} events/s for ` +
        `${writeSeconds.toFixed(1)} s; relay ${useWakeups ? 'with wake-ups' : 'polling only'}; consumer in its own process ` +
        `(partitionsConsumedConcurrently ${concurrency}); 6 partitions\n` +
        `    ${summary('commit → Kafka acknowledged', sent)}\n` +
        `    ${summary('commit → handler called', handled)}\n` +
        `    ${summary('commit → consumer tx committed', committed)}\n`,
    );

    for (const window of [
      `0–${idleSeconds} s after the burst`,
      `${idleSeconds}–${2 * idleSeconds} s after`,
    ]) {
      counter.start();
      child.send({ kind: 'count-start' } satisfies ParentMessage);
      await sleep(idleSeconds * 1000);
      const own = counter.stop();
      const reply = next(child, 'statements');
      child.send({ kind: 'count-stop' } satisfies ParentMessage);
      printStatements(window, new Map([...own, ...(await reply).counts]));
    }
  } finally {
    if (child?.connected) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.send({ kind: 'stop' } satisfies ParentMessage);
      await exited;
    }
    await relay?.stop();
    await Promise.all([writerPool.end(), relayPool.end()]);
    await admin((client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
    await messaging.admin.deleteTopics([topic, dlqTopicName(topic)]);
    await messaging.admin.deleteConsumerGroups([groupId]);
    await messaging.close();
  }
}

const [role, url, prefix, groupId] = process.argv.slice(2);
const run =
  role === 'consumer' && url !== undefined && prefix !== undefined && groupId !== undefined
    ? consumerProcess(url, prefix, groupId)
    : main();
run.catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
