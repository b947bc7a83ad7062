import { randomUUID } from 'node:crypto';
import type { ConsumedMessage, MessageProducer, Messaging } from '@platform/messaging';
import { createTestTopics, type TestTopics } from '@platform/testing';
import { Pool, type PoolClient } from 'pg';
import {
  appendToOutbox,
  createOutboxWakeups,
  startEventConsumer,
  startOutboxRelay,
  toKafkaMessage,
  type CatalogEvent,
  type OutboxRelay,
  type OutboxRelayOptions,
  type SqlExecutor,
} from '../src';
import {
  collect,
  contactCreated,
  createScratchDatabase,
  eventually,
  headerText,
  inTransaction,
  recordingLogger,
  testMessaging,
  userCreated,
  type ScratchDatabase,
} from './support';

// Real PostgreSQL and Kafka on a shared 2-core machine: generous limits for hooks and tests (waits poll
// with their own deadlines).
jest.setTimeout(60_000);

/** Longer than any wait in this file: a row published before it passed was published by a wake-up. */
const NEVER_POLLS_MS = 600_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Statements the relay sent, with the time each one's result arrived. */
interface Statement {
  at: number;
  text: string;
}

const PROBE = 'SELECT 1 FROM "outbox_events" WHERE "published_at" IS NULL LIMIT 1';

/**
 * A pool for the relay alone whose connections record every statement they run (pg's Client.query
 * wrapped per connection), so a test can count what the relay costs the database.
 */
function recordingPool(url: string): { pool: Pool; statements: Statement[] } {
  const statements: Statement[] = [];
  const pool = new Pool({ connectionString: url, max: 1 });
  pool.on('connect', (client: PoolClient) => {
    type Query = (...args: unknown[]) => Promise<unknown>;
    const query = client.query.bind(client) as Query;
    const recorded: Query = async (...args) => {
      const result = await query(...args);
      statements.push({ at: Date.now(), text: typeof args[0] === 'string' ? args[0].trim() : '(config)' });
      return result;
    };
    client.query = recorded as typeof client.query;
  });
  return { pool, statements };
}

describe('createOutboxWakeups', () => {
  it('calls every subscriber on notify(), until it unsubscribes', () => {
    const wakeups = createOutboxWakeups();
    const calls: string[] = [];
    const unsubscribeFirst = wakeups.subscribe(() => calls.push('first'));
    wakeups.subscribe(() => calls.push('second'));
    // Detached, as a write path may hold it.
    const { notify } = wakeups;
    notify();
    unsubscribeFirst();
    notify();
    expect(calls).toEqual(['first', 'second', 'second']);
  });

  it('notifyAfter passes the outcome through and notifies once it settled, also after a rollback', async () => {
    const wakeups = createOutboxWakeups();
    let notified = 0;
    wakeups.subscribe(() => (notified += 1));

    let commit: (value: string) => void = () => undefined;
    const pending = wakeups.notifyAfter(new Promise<string>((resolve) => (commit = resolve)));
    await sleep(10);
    expect(notified).toBe(0);
    commit('created');
    await expect(pending).resolves.toBe('created');
    expect(notified).toBe(1);

    await expect(wakeups.notifyAfter(Promise.reject(new Error('rolled back')))).rejects.toThrow(
      'rolled back',
    );
    expect(notified).toBe(2);
  });

  it('a throwing subscriber neither fails notify() nor keeps the others from being called', () => {
    const wakeups = createOutboxWakeups();
    let called = false;
    wakeups.subscribe(() => {
      throw new Error('broken listener');
    });
    wakeups.subscribe(() => (called = true));
    expect(() => wakeups.notify()).not.toThrow();
    expect(called).toBe(true);
  });
});

describe('outbox relay wake-ups and idle backoff', () => {
  let db: ScratchDatabase;
  let topics: TestTopics;
  let messaging: Messaging;
  let received: ConsumedMessage[];
  const cleanups: Array<() => Promise<void>> = [];
  const relays: OutboxRelay[] = [];
  const pools: Pool[] = [];

  beforeAll(async () => {
    db = await createScratchDatabase();
    topics = await createTestTopics(['crm.contact', 'identity.user']);
    messaging = testMessaging();
    const collector = await collect(messaging, [topics.name('crm.contact'), topics.name('identity.user')]);
    received = collector.received;
    cleanups.push(() => collector.consumer.stop());
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
    await Promise.all(pools.splice(0).map((pool) => pool.end()));
    await db.pool.query('TRUNCATE "outbox_events"');
  });

  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
    await messaging.close();
    await topics.delete();
    await db.drop();
  });

  /** A relay on its own recording pool; prune is off so that idle polls are the only statements. */
  function relay(options: Partial<OutboxRelayOptions> = {}): { relay: OutboxRelay; statements: Statement[] } {
    const { pool, statements } = recordingPool(db.url);
    pools.push(pool);
    const started = startOutboxRelay({
      pool,
      producer: messaging.producer,
      topicPrefix: topics.prefix,
      logger: recordingLogger(),
      retainPublishedMs: null,
      ...options,
    });
    relays.push(started);
    return { relay: started, statements };
  }

  const write = (events: CatalogEvent[]) => inTransaction(db.pool, (tx) => appendToOutbox(tx, events));
  const arrived = (ids: readonly string[]) => () =>
    ids.every((id) => received.some((message) => headerText(message, 'ce_id') === id));
  const unpublished = async () =>
    Number(
      (
        await db.pool.query<{ count: string }>(
          'SELECT count(*) AS "count" FROM "outbox_events" WHERE "published_at" IS NULL',
        )
      ).rows[0]?.count,
    );
  const probes = (statements: readonly Statement[]) => statements.filter((s) => s.text === PROBE);
  /** Resolves once the relay finished a poll that found nothing: it is napping now. */
  const idle = (statements: readonly Statement[]) =>
    eventually('an empty poll', () => probes(statements).length > 0);
  /** Empty polls within `ms` after `from`, once that time has passed. */
  const probesWithin = async (statements: readonly Statement[], from: number, ms: number) => {
    await sleep(from + ms - Date.now());
    return probes(statements).filter((statement) => statement.at > from && statement.at <= from + ms).length;
  };

  it('publishes as soon as the write path notifies, without waiting for its fallback poll', async () => {
    const wakeups = createOutboxWakeups();
    const { relay: active, statements } = relay({
      wakeups,
      pollIntervalMs: NEVER_POLLS_MS,
      maxIdlePollMs: NEVER_POLLS_MS,
    });
    await idle(statements);

    // The way a repository wires it: the transaction, then the wake-up once it committed.
    const first = contactCreated();
    await wakeups.notifyAfter(write([first]));
    await eventually('the first event, published by the wake-up', arrived([first.id]), { timeoutMs: 20_000 });

    // A bare notify() after the commit, once the relay is napping again (it naps as soon as the batch
    // that published the first event committed).
    await eventually('the first batch committed', () => active.publishedCount === 1);
    const second = contactCreated();
    await write([second]);
    wakeups.notify();
    await eventually('the second event, published by the wake-up', arrived([second.id]), {
      timeoutMs: 20_000,
    });

    await eventually('the relay counted both', () => active.publishedCount === 2);
    expect(await unpublished()).toBe(0);
  });

  it('without a wake-up the same relay leaves a committed row for its next poll', async () => {
    // The control for the test above: what publishes there is the wake-up, not some other path.
    const wakeups = createOutboxWakeups();
    const { relay: active, statements } = relay({
      wakeups,
      pollIntervalMs: NEVER_POLLS_MS,
      maxIdlePollMs: NEVER_POLLS_MS,
    });
    await idle(statements);
    await write([contactCreated()]);
    await sleep(1500);
    expect(await unpublished()).toBe(1);
    expect(active.publishedCount).toBe(0);
  });

  it('idle polls cost one statement each and back off to maxIdlePollMs; a wake-up and found rows reset the interval', async () => {
    const wakeups = createOutboxWakeups();
    const { relay: active, statements } = relay({ wakeups, pollIntervalMs: 20, maxIdlePollMs: 1000 });
    await eventually('the relay active', () => active.active);
    const since = Date.now();
    // 20, 40, 80, 160, 320, 640, then 1000 ms: the 8th empty poll comes ~2.3 s after the first.
    await eventually('eight empty polls', () => probes(statements).length >= 8);
    await sleep(1000);
    const window = statements.filter((statement) => statement.at >= since);
    // Nothing but the probe while idle: no BEGIN/COMMIT, no lock checks.
    expect(window.filter((statement) => statement.text !== PROBE)).toEqual([]);
    // Polling every 20 ms would have made ~170 polls by now.
    expect(window.length).toBeLessThanOrEqual(15);
    const times = probes(statements).map((statement) => statement.at);
    const lastGap = (times.at(-1) ?? 0) - (times.at(-2) ?? 0);
    // Timers never fire early; a busy machine only stretches the gap.
    expect(lastGap).toBeGreaterThanOrEqual(900);

    // A wake-up (nothing to publish) resets the interval: polls come after 20, 40, 80 … ms again, where
    // the next one would otherwise have been a second away.
    const woken = Date.now();
    wakeups.notify();
    expect(await probesWithin(statements, woken, 1000)).toBeGreaterThanOrEqual(3);

    // So do rows found by a poll (written without a wake-up, as another replica would), once the
    // interval is back at its maximum.
    await sleep(2500);
    const event = contactCreated();
    await write([event]);
    await eventually('the event, found by a fallback poll', arrived([event.id]), { timeoutMs: 20_000 });
    await eventually('its batch committed', () => active.publishedCount === 1);
    const committed = statements.filter((statement) => statement.text === 'COMMIT').at(-1)?.at ?? 0;
    expect(await probesWithin(statements, committed, 1000)).toBeGreaterThanOrEqual(3);
  });

  it('a commit whose wake-up arrives while a batch is being sent goes out right after that batch', async () => {
    const wakeups = createOutboxWakeups();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const sending: string[][] = [];
    // Holds the first batch between its SELECT and its send, so the second commit lands in between.
    const gatedProducer: MessageProducer = {
      async send(topic, messages) {
        sending.push(messages.map((message) => String(message.headers?.ce_id)));
        await gate;
        await messaging.producer.send(topic, messages);
      },
      disconnect: () => Promise.resolve(),
    };
    const { relay: active, statements } = relay({
      wakeups,
      producer: gatedProducer,
      pollIntervalMs: NEVER_POLLS_MS,
      maxIdlePollMs: NEVER_POLLS_MS,
    });
    await idle(statements);

    const first = contactCreated();
    await wakeups.notifyAfter(write([first]));
    await eventually('the first batch sending', () => sending.length === 1);
    const second = contactCreated();
    await wakeups.notifyAfter(write([second]));
    release();

    await eventually('both events', arrived([first.id, second.id]), { timeoutMs: 20_000 });
    expect(sending).toEqual([[first.id], [second.id]]);
    await eventually('both rows marked', async () => (await unpublished()) === 0);
    await eventually('the relay counted both', () => active.publishedCount === 2);
  });

  it('loses no row when many commits and wake-ups race with running batches', async () => {
    const wakeups = createOutboxWakeups();
    // A slow producer keeps each batch open long enough for many commits and wake-ups to land during it.
    const slowProducer: MessageProducer = {
      async send(topic, messages) {
        await sleep(15);
        await messaging.producer.send(topic, messages);
      },
      disconnect: () => Promise.resolve(),
    };
    const { relay: active, statements } = relay({
      wakeups,
      producer: slowProducer,
      batchSize: 5,
      pollIntervalMs: NEVER_POLLS_MS,
      maxIdlePollMs: NEVER_POLLS_MS,
    });
    await idle(statements);

    const written: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, writer) => {
        for (let transaction = 0; transaction < 12; transaction += 1) {
          const events = Array.from({ length: 1 + ((writer + transaction) % 3) }, () =>
            contactCreated({ contactId: randomUUID() }),
          );
          await wakeups.notifyAfter(write(events));
          written.push(...events.map((event) => event.id));
          await sleep((writer * 7 + transaction * 3) % 11);
        }
      }),
    );

    // Only wake-ups publish here (the fallback poll is minutes away), and flush() is not used because it
    // wakes the relay itself.
    await eventually('every row published', async () => (await unpublished()) === 0, { timeoutMs: 30_000 });
    await eventually('every event received', arrived(written), { timeoutMs: 30_000 });
    await eventually('the relay counted every one', () => active.publishedCount === written.length);
    const copies = new Map<string, number>();
    for (const message of received) {
      const id = headerText(message, 'ce_id') ?? '';
      copies.set(id, (copies.get(id) ?? 0) + 1);
    }
    expect(written.filter((id) => copies.get(id) !== 1)).toEqual([]);
    // Coalesced: far fewer batches than wake-ups (each batch is BEGIN … COMMIT).
    const batches = statements.filter((statement) => statement.text === 'BEGIN').length;
    expect(batches).toBeLessThan(8 * 12);
  });

  it('a wake-up never cuts a failure backoff short', async () => {
    const wakeups = createOutboxWakeups();
    let sends = 0;
    const refusingProducer: MessageProducer = {
      send() {
        sends += 1;
        return Promise.reject(new Error('broker unavailable'));
      },
      disconnect: () => Promise.resolve(),
    };
    const { statements } = relay({
      wakeups,
      producer: refusingProducer,
      retry: { initialDelayMs: NEVER_POLLS_MS, maxDelayMs: NEVER_POLLS_MS },
    });
    await idle(statements);
    await wakeups.notifyAfter(write([contactCreated()]));
    await eventually('the first, failed attempt', () => sends === 1);
    for (let wakeup = 0; wakeup < 20; wakeup += 1) {
      wakeups.notify();
      await sleep(50);
    }
    expect(sends).toBe(1);
    expect(await unpublished()).toBe(1);
  });

  it('the consumer runner wakes the relay once a handler that wrote events committed, and only then', async () => {
    const wakeups = createOutboxWakeups();
    let notified = 0;
    wakeups.subscribe(() => (notified += 1));
    const { relay: active, statements } = relay({
      wakeups,
      pollIntervalMs: NEVER_POLLS_MS,
      maxIdlePollMs: NEVER_POLLS_MS,
    });
    await idle(statements);

    const caused: string[] = [];
    const consumer = await startEventConsumer<SqlExecutor>({
      messaging,
      groupId: `events-test-wakeups-${randomUUID()}`,
      topicPrefix: topics.prefix,
      handlers: {
        // Earlier tests' events on this topic come through too; only the one tagged 'writes' writes.
        'crm.contact.created.v1': async (event, tx) => {
          if (!event.data.tags.includes('writes')) return;
          const user = userCreated(event.tenantid);
          await appendToOutbox(tx, [user]);
          caused.push(user.id);
        },
      },
      transaction: (_event, work) => inTransaction(db.pool, work),
      wakeups,
      logger: recordingLogger(),
    });
    cleanups.unshift(() => consumer.stop());

    const quiet = contactCreated({ tags: ['quiet'] });
    const writes = contactCreated({ tags: ['writes'] });
    await messaging.producer.send(topics.name('crm.contact'), [
      toKafkaMessage(quiet),
      toKafkaMessage(writes),
    ]);
    await eventually('both events handled', async () => {
      const { rowCount } = await db.pool.query(
        'SELECT 1 FROM "processed_events" WHERE "event_id" = ANY($1::uuid[])',
        [[quiet.id, writes.id]],
      );
      return rowCount === 2;
    });
    await eventually('the event the handler wrote, published by the wake-up', arrived(caused), {
      timeoutMs: 20_000,
    });
    // The relay counts a batch once its transaction committed, a moment after Kafka has the event.
    await eventually('the relay counted it', () => active.publishedCount === 1);
    expect(caused).toHaveLength(1);
    expect(notified).toBe(1);
    expect(active.publishedCount).toBe(1);
  });
});
