import { randomUUID } from 'node:crypto';
import type { ConsumedMessage, Messaging } from '@platform/messaging';
import { createTestTopics, type TestTopics } from '@platform/testing';
import {
  appendToOutbox,
  ensureEventTopics,
  EVENT_TOPICS,
  startOutboxRelay,
  type CatalogEvent,
  type OutboxRelay,
  type OutboxRelayOptions,
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
  text,
  userCreated,
  type ScratchDatabase,
} from './support';

// Real PostgreSQL and Kafka on a shared 2-core machine: generous limits for hooks and tests (waits poll
// with their own deadlines).
jest.setTimeout(60_000);

function only<T>(items: readonly T[]): T {
  const [item] = items;
  if (items.length !== 1 || item === undefined) throw new Error(`expected exactly one, got ${items.length}`);
  return item;
}

interface OutboxRow {
  id: string;
  published_at: Date | null;
  attempts: number;
  last_error: string | null;
}

describe('transactional outbox and relay', () => {
  let db: ScratchDatabase;
  let topics: TestTopics;
  let messaging: Messaging;
  let received: ConsumedMessage[];
  const stopAtEnd: Array<() => Promise<void>> = [];
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    db = await createScratchDatabase();
    topics = await createTestTopics(['crm.contact', 'identity.user']);
    messaging = testMessaging();
    const collector = await collect(messaging, [topics.name('crm.contact'), topics.name('identity.user')]);
    received = collector.received;
    stopAtEnd.push(() => collector.consumer.stop());
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
    await db.pool.query('TRUNCATE "outbox_events"');
  });

  afterAll(async () => {
    for (const stop of stopAtEnd) await stop();
    await messaging.close();
    await topics.delete();
    await db.drop();
  });

  function relay(options: Partial<OutboxRelayOptions> = {}): OutboxRelay {
    const started = startOutboxRelay({
      pool: db.pool,
      producer: messaging.producer,
      topicPrefix: topics.prefix,
      logger: recordingLogger(),
      ...options,
    });
    relays.push(started);
    return started;
  }

  const write = (events: CatalogEvent[]) => inTransaction(db.pool, (tx) => appendToOutbox(tx, events));
  const copiesOf = (id: string) => received.filter((message) => headerText(message, 'ce_id') === id);
  const arrived = (ids: readonly string[]) => () => ids.every((id) => copiesOf(id).length > 0);
  const rows = async () =>
    (
      await db.pool.query<OutboxRow>(
        'SELECT "id", "published_at", "attempts", "last_error" FROM "outbox_events"',
      )
    ).rows;

  it("publishes a committed transaction's events once, with the envelope, key = subject and headers; a rolled-back transaction publishes nothing", async () => {
    const contactId = randomUUID();
    const rolledBack = contactCreated({ contactId, tags: ['rolled-back'] });
    const committed = contactCreated({ contactId, tags: ['committed'] });
    const user = userCreated(committed.tenantid);

    await expect(
      inTransaction(db.pool, async (tx) => {
        await appendToOutbox(tx, [rolledBack]);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    await write([committed, user]);

    const active = relay();
    await active.flush();
    // A later event of the same aggregate lands on the same partition after anything published before
    // it: once it arrived, a duplicate or the rolled-back event would have arrived too.
    const sentinel = contactCreated({ contactId, tags: ['sentinel'] });
    await write([sentinel]);
    await active.flush();
    await eventually('the events', arrived([committed.id, user.id, sentinel.id]));

    expect(copiesOf(committed.id)).toHaveLength(1);
    expect(copiesOf(rolledBack.id)).toHaveLength(0);
    const message = only(copiesOf(committed.id));
    expect(message.topic).toBe(topics.name('crm.contact'));
    expect(text(message.key)).toBe(contactId);
    expect(JSON.parse(text(message.value) ?? 'null')).toEqual(committed);
    expect(headerText(message, 'content-type')).toBe('application/cloudevents+json');
    expect(headerText(message, 'ce_type')).toBe('crm.contact.created.v1');
    expect(headerText(message, 'ce_id')).toBe(committed.id);
    expect(copiesOf(user.id)[0]?.topic).toBe(topics.name('identity.user'));

    const table = await rows();
    expect(table.map((row) => row.id).sort()).toEqual([committed.id, user.id, sentinel.id].sort());
    expect(table.every((row) => row.published_at !== null && row.attempts === 0)).toBe(true);
    expect(active.publishedCount).toBe(3);
  });

  it('publishes everything written while no relay ran, in write order per key, none lost', async () => {
    const keys = [randomUUID(), randomUUID(), randomUUID()];
    const written = new Map<string, string[]>(keys.map((key) => [key, []]));
    // 9 transactions of 5 events, the keys interleaved.
    for (let transaction = 0; transaction < 9; transaction += 1) {
      const events = Array.from({ length: 5 }, (_, index) => {
        const contactId = keys[(transaction * 5 + index) % keys.length] ?? '';
        return contactCreated({ contactId, tags: [`n${transaction * 5 + index}`] });
      });
      await write(events);
      for (const event of events) written.get(event.subject)?.push(event.id);
    }
    const allIds = [...written.values()].flat();
    expect(allIds).toHaveLength(45);
    expect((await rows()).every((row) => row.published_at === null)).toBe(true);

    const active = relay({ batchSize: 10 });
    await active.flush();
    await eventually('all 45 events', arrived(allIds));

    for (const [key, ids] of written) {
      const order = received
        .filter((message) => text(message.key) === key)
        .map((m) => headerText(m, 'ce_id'));
      expect(order).toEqual(ids);
    }
    expect(active.publishedCount).toBe(45);
  });

  it('keeps rows unpublished with attempts and last_error while Kafka refuses them, and publishes them once the topic exists', async () => {
    // Topics under this prefix do not exist yet (the test run's teardown deletes them afterwards).
    const latePrefix = `${topics.prefix}late.`;
    const event = contactCreated();
    await write([event]);
    relay({ topicPrefix: latePrefix, retry: { initialDelayMs: 100, maxDelayMs: 400 } });

    let failed: OutboxRow | undefined;
    await eventually('a failed attempt recorded', async () => {
      failed = (await rows())[0];
      return (failed?.attempts ?? 0) >= 1;
    });
    expect(failed?.published_at).toBeNull();
    expect(failed?.last_error).toMatch(/does not exist/);

    const topic = `${latePrefix}crm.contact`;
    await messaging.admin.ensureTopics([{ name: topic, partitions: 1 }]);
    const late = await collect(messaging, [topic]);
    stopAtEnd.unshift(() => late.consumer.stop());
    await eventually('the event on the new topic', () => late.received.length > 0, { timeoutMs: 60_000 });
    await eventually('the row marked published', async () => (await rows())[0]?.published_at !== null);

    expect(late.received.map((message) => headerText(message, 'ce_id'))).toEqual([event.id]);
  });

  it('deletes published rows once they are older than the retention', async () => {
    const events = [contactCreated(), contactCreated(), contactCreated()];
    await write(events);
    const active = relay({ retainPublishedMs: 0, pruneIntervalMs: 0 });
    await eventually('the events', arrived(events.map((event) => event.id)));
    await eventually('the published rows deleted', async () => (await rows()).length === 0);
    expect(active.prunedCount).toBe(3);
  });

  it('ensureEventTopics creates every catalog topic and its dead-letter topic, once', async () => {
    const prefix = `${topics.prefix}all.`;
    const expected = EVENT_TOPICS.flatMap((topic) => [`${prefix}${topic}`, `${prefix}${topic}.dlq`]).sort();
    stopAtEnd.push(() => messaging.admin.deleteTopics(expected));

    expect((await ensureEventTopics(messaging.admin, { prefix, partitions: 2 })).sort()).toEqual(expected);
    expect(await ensureEventTopics(messaging.admin, { prefix, partitions: 2 })).toEqual([]);
    const existing = await messaging.admin.listTopics();
    expect(expected.filter((name) => !existing.includes(name))).toEqual([]);
  });

  it('two relays on one database: one publishes, the other stands by and takes over; no row goes out twice', async () => {
    const first = relay({ standbyIntervalMs: 100 });
    await eventually('the first relay active', () => first.active);
    const second = relay({ standbyIntervalMs: 100 });

    const before = Array.from({ length: 6 }, () => [contactCreated(), contactCreated()]);
    for (const events of before) await write(events);
    await first.flush();
    await eventually('the first events', arrived(before.flat().map((event) => event.id)));
    expect(first.publishedCount).toBe(12);
    expect(second.publishedCount).toBe(0);
    expect(second.active).toBe(false);

    await first.stop();
    await eventually('the second relay taking over', () => second.active);
    const after = Array.from({ length: 4 }, () => [contactCreated(), contactCreated()]);
    for (const events of after) await write(events);
    await second.flush();
    const ids = [...before, ...after].flat().map((event) => event.id);
    await eventually('the later events', arrived(ids));

    expect(second.publishedCount).toBe(8);
    expect(ids.filter((id) => copiesOf(id).length !== 1)).toEqual([]);
    expect((await rows()).every((row) => row.published_at !== null)).toBe(true);
  });
});
