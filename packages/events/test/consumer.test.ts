import { randomUUID } from 'node:crypto';
import type { ConsumedMessage, Messaging, OutgoingMessage } from '@platform/messaging';
import { createTestTopics, type TestTopics } from '@platform/testing';
import {
  consumerGroupName,
  startEventConsumer,
  toKafkaMessage,
  type EventConsumer,
  type EventConsumerOptions,
  type EventHandlers,
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
  text,
  type ScratchDatabase,
} from './support';

// Real PostgreSQL and Kafka on a shared 2-core machine: generous limits for hooks and tests (waits poll
// with their own deadlines).
jest.setTimeout(60_000);

// What the handlers write: the tenant column is filled from the transaction's tenant setting, the way
// row-level security policies read it.
const PROJECTION_SQL = `
CREATE TABLE "contact_projection" (
  "event_id" UUID PRIMARY KEY,
  "contact_id" UUID NOT NULL,
  "organization_id" UUID NOT NULL DEFAULT nullif(current_setting('app.organization_id', true), '')::uuid
);`;

interface ProjectionRow {
  event_id: string;
  contact_id: string;
  organization_id: string;
}

describe('event consumer runner', () => {
  let db: ScratchDatabase;
  let messaging: Messaging;
  const topicSets: TestTopics[] = [];
  const groups: string[] = [];
  const consumers: EventConsumer[] = [];
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    db = await createScratchDatabase(PROJECTION_SQL);
    messaging = testMessaging();
  });

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  afterAll(async () => {
    await messaging.admin.deleteConsumerGroups(groups);
    await messaging.close();
    for (const topics of topicSets) await topics.delete();
    await db.drop();
  });

  /** This test's own contact topic and its DLQ (one partition: a blocked message would block the rest). */
  async function freshTopics(): Promise<TestTopics & { contacts: string; dlq: string }> {
    const topics = await createTestTopics(['crm.contact', 'crm.contact.dlq'], { partitions: 1 });
    topicSets.push(topics);
    return { ...topics, contacts: topics.name('crm.contact'), dlq: topics.name('crm.contact.dlq') };
  }

  async function start(
    topics: TestTopics,
    handlers: EventHandlers<SqlExecutor>,
    options: Partial<EventConsumerOptions<SqlExecutor>> = {},
  ): Promise<
    EventConsumer & { groupId: string; kafkaGroup: string; logger: ReturnType<typeof recordingLogger> }
  > {
    const groupId = options.groupId ?? `events-test-${randomUUID()}`;
    const kafkaGroup = consumerGroupName(groupId, topics.prefix);
    if (!groups.includes(kafkaGroup)) groups.push(kafkaGroup);
    const logger = recordingLogger();
    const consumer = await startEventConsumer<SqlExecutor>({
      messaging,
      groupId,
      topicPrefix: topics.prefix,
      handlers,
      // What a service does: one transaction, its tenant set for row-level security.
      transaction: (event, work) => inTransaction(db.pool, work, event.tenantid),
      logger,
      retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 100 },
      ...options,
    });
    consumers.push(consumer);
    return Object.assign(consumer, { groupId, kafkaGroup, logger });
  }

  const send = (topic: string, messages: OutgoingMessage[]) => messaging.producer.send(topic, messages);
  /** The committed offset of a Kafka consumer group (a consumer's `kafkaGroup`). */
  const committed = async (kafkaGroup: string, topic: string) =>
    (await messaging.admin.committedOffsets(kafkaGroup, topic))[0]?.offset ?? null;
  const projection = async (eventIds: readonly string[]) =>
    (
      await db.pool.query<ProjectionRow>(
        'SELECT * FROM "contact_projection" WHERE "event_id" = ANY($1::uuid[])',
        [eventIds],
      )
    ).rows;
  const project = (tx: SqlExecutor, eventId: string, contactId: string) =>
    tx.$executeRawUnsafe(
      'INSERT INTO "contact_projection" ("event_id", "contact_id") VALUES ($1::uuid, $2::uuid)',
      eventId,
      contactId,
    );
  async function deadLetters(topic: string): Promise<ConsumedMessage[]> {
    const collector = await collect(messaging, [topic]);
    cleanups.push(() => collector.consumer.stop());
    return collector.received;
  }

  it('handles an event once when it is delivered twice, skips types it has no handler for, and commits', async () => {
    const topics = await freshTopics();
    const first = contactCreated();
    const second = contactCreated();
    const foreign = {
      ...toKafkaMessage(contactCreated()),
      value: JSON.stringify({ ...second, type: 'crm.x.v9' }),
    };
    await send(topics.contacts, [
      toKafkaMessage(first),
      toKafkaMessage(first),
      foreign,
      toKafkaMessage(second),
    ]);

    const calls: string[] = [];
    const consumer = await start(topics, {
      'crm.contact.created.v1': async (event, tx) => {
        calls.push(event.id);
        await project(tx, event.id, event.data.contactId);
      },
    });
    expect(consumer.topics).toEqual([topics.contacts]);
    await eventually(
      'all four messages committed',
      async () => (await committed(consumer.kafkaGroup, topics.contacts)) === '4',
    );

    expect(calls).toEqual([first.id, second.id]);
    const rows = await projection([first.id, second.id]);
    expect(rows.map((row) => row.organization_id).sort()).toEqual([first.tenantid, second.tenantid].sort());
    const marks = await db.pool.query('SELECT 1 FROM "processed_events" WHERE "consumer_group" = $1', [
      consumer.groupId,
    ]);
    expect(marks.rowCount).toBe(2);
  });

  it('retries a failing handler with backoff until it succeeds; the failed attempts roll back', async () => {
    const topics = await freshTopics();
    const event = contactCreated();
    await send(topics.contacts, [toKafkaMessage(event)]);

    let calls = 0;
    const consumer = await start(topics, {
      'crm.contact.created.v1': async (received, tx) => {
        calls += 1;
        // Written before the failure: a second attempt would hit the primary key if this stayed.
        await project(tx, received.id, received.data.contactId);
        if (calls < 3) throw new Error(`transient failure ${calls}`);
      },
    });
    await eventually(
      'the offset committed',
      async () => (await committed(consumer.kafkaGroup, topics.contacts)) === '1',
    );

    expect(calls).toBe(3);
    expect(await projection([event.id])).toHaveLength(1);
    const retries = consumer.logger.entries.filter(
      (entry) => entry.message === 'event handler failed; retrying',
    );
    expect(retries.map((entry) => entry.fields?.delayMs)).toEqual([20, 40]);
    expect(consumer.logger.entries.some((entry) => entry.message.includes('dead-letter'))).toBe(false);
  });

  it('parks an event whose handler keeps failing on <topic>.dlq with its headers, then goes on', async () => {
    const topics = await freshTopics();
    const poison = contactCreated();
    const later = contactCreated();
    const poisonMessage = toKafkaMessage(poison);
    await send(topics.contacts, [poisonMessage, toKafkaMessage(later)]);
    const parked = await deadLetters(topics.dlq);

    const calls: string[] = [];
    const consumer = await start(topics, {
      'crm.contact.created.v1': async (event, tx) => {
        calls.push(event.id);
        if (event.id === poison.id) throw new Error('contact service refused it');
        await project(tx, event.id, event.data.contactId);
      },
    });
    await eventually(
      'both committed',
      async () => (await committed(consumer.kafkaGroup, topics.contacts)) === '2',
    );
    await eventually('the parked message', () => parked.length === 1);

    expect(calls).toEqual([poison.id, poison.id, poison.id, later.id]);
    expect(await projection([later.id])).toHaveLength(1);
    const [dead] = parked;
    expect(text(dead?.key)).toBe(poison.subject);
    expect(text(dead?.value)).toBe(poisonMessage.value);
    const headers = (name: string) => (dead ? headerText(dead, name) : null);
    expect({
      reason: headers('x-dlq-reason'),
      topic: headers('x-original-topic'),
      partition: headers('x-original-partition'),
      offset: headers('x-original-offset'),
      error: headers('x-error'),
      attempts: headers('x-attempts'),
      group: headers('x-consumer-group'),
      ceId: headers('ce_id'),
    }).toEqual({
      reason: 'handler-failed',
      topic: topics.contacts,
      partition: '0',
      offset: '0',
      error: 'contact service refused it',
      attempts: '3',
      group: consumer.groupId,
      ceId: poison.id,
    });
  });

  it('parks malformed messages at once: bytes that are not an envelope, and data that breaks the catalog', async () => {
    const topics = await freshTopics();
    const invalid = contactCreated();
    const valid = contactCreated();
    await send(topics.contacts, [
      { key: 'garbage', value: '{"this is": not json' },
      {
        ...toKafkaMessage(invalid),
        value: JSON.stringify({ ...invalid, data: { ...invalid.data, ownerId: 'nobody' } }),
      },
      toKafkaMessage(valid),
    ]);
    const parked = await deadLetters(topics.dlq);

    const calls: string[] = [];
    const consumer = await start(topics, {
      'crm.contact.created.v1': async (event, tx) => {
        calls.push(event.id);
        await project(tx, event.id, event.data.contactId);
      },
    });
    await eventually(
      'all three committed',
      async () => (await committed(consumer.kafkaGroup, topics.contacts)) === '3',
    );
    await eventually('two parked messages', () => parked.length === 2);

    expect(calls).toEqual([valid.id]);
    const summary = parked.map((message) => ({
      key: text(message.key),
      reason: headerText(message, 'x-dlq-reason'),
      offset: headerText(message, 'x-original-offset'),
      attempts: headerText(message, 'x-attempts'),
    }));
    expect(summary).toEqual([
      { key: 'garbage', reason: 'invalid-envelope', offset: '0', attempts: '0' },
      { key: invalid.subject, reason: 'invalid-data', offset: '1', attempts: '0' },
    ]);
    expect(parked.map((message) => headerText(message, 'x-error'))[1]).toMatch(/ownerId/);
  });

  it('does not commit a message while its handler fails; after a restart the group gets it again', async () => {
    const topics = await freshTopics();
    const event = contactCreated();
    await send(topics.contacts, [toKafkaMessage(event)]);

    let failures = 0;
    const failing = await start(
      topics,
      {
        'crm.contact.created.v1': () => {
          failures += 1;
          return Promise.reject(new Error('database unavailable'));
        },
      },
      { retry: { attempts: 50, initialDelayMs: 20, maxDelayMs: 100 } },
    );
    await eventually('a few failed attempts', () => failures >= 3);
    expect(await committed(failing.kafkaGroup, topics.contacts)).toBeNull();
    await failing.stop();
    expect(await committed(failing.kafkaGroup, topics.contacts)).toBeNull();
    expect(failing.logger.entries.some((entry) => entry.message.includes('dead-letter'))).toBe(false);

    const restarted = await start(
      topics,
      {
        'crm.contact.created.v1': (received, tx) =>
          project(tx, received.id, received.data.contactId).then(() => undefined),
      },
      { groupId: failing.groupId },
    );
    await eventually(
      'the offset committed',
      async () => (await committed(restarted.kafkaGroup, topics.contacts)) === '1',
    );
    expect(await projection([event.id])).toHaveLength(1);
  });

  it('stop() waits for the handler in flight, whose work commits', async () => {
    const topics = await freshTopics();
    const event = contactCreated();
    await send(topics.contacts, [toKafkaMessage(event)]);

    let started = false;
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const consumer = await start(topics, {
      'crm.contact.created.v1': async (received, tx) => {
        started = true;
        await released;
        await project(tx, received.id, received.data.contactId);
      },
    });
    await eventually('the handler in flight', () => started);

    let stopped = false;
    const stopping = consumer.stop().then(() => {
      stopped = true;
    });
    // A database round trip gives a stop() that did not wait every chance to finish first.
    await db.pool.query('SELECT 1');
    expect(stopped).toBe(false);
    release();
    await stopping;

    expect(await projection([event.id])).toHaveLength(1);
    expect(await committed(consumer.kafkaGroup, topics.contacts)).toBe('1');
  });
});
