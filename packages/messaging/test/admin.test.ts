import { Kafka, logLevel } from 'kafkajs';
import { TopicNotFoundError, type Messaging } from '../src';
import { brokers, cleanUp, ensureBroker, testMessaging, uniqueName } from './support';

describe('topic administration', () => {
  const compacted = uniqueName('admin-compacted');
  const plain = uniqueName('admin-plain');
  let messaging: Messaging;

  beforeAll(async () => {
    await ensureBroker();
    messaging = testMessaging();
  });

  afterAll(() => cleanUp(messaging, { topics: [compacted, plain] }));

  it('creates missing topics once, lists them and deletes them', async () => {
    const specs = [
      { name: compacted, partitions: 3, config: { 'cleanup.policy': 'compact' } },
      { name: plain, partitions: 1, replicationFactor: 1 },
    ];
    expect((await messaging.admin.ensureTopics(specs)).sort()).toEqual([compacted, plain].sort());
    expect(await messaging.admin.ensureTopics(specs)).toEqual([]);

    const listed = await messaging.admin.listTopics();
    expect(listed).toEqual(expect.arrayContaining([compacted, plain]));
    expect(listed.filter((name) => name.startsWith('__'))).toEqual([]);
    // One entry per partition, none committed by a group that never consumed.
    expect(await messaging.admin.committedOffsets(uniqueName('group'), compacted)).toEqual([
      { partition: 0, offset: null },
      { partition: 1, offset: null },
      { partition: 2, offset: null },
    ]);

    await messaging.admin.deleteTopics([compacted, plain, uniqueName('never-existed')]);
    const after = await messaging.admin.listTopics();
    expect(after).not.toContain(compacted);
    expect(after).not.toContain(plain);
    await expect(messaging.admin.deleteTopics([compacted])).resolves.toBeUndefined();
  });

  it('rejects a topic spec without partitions before calling the broker', async () => {
    await expect(messaging.admin.ensureTopics([{ name: uniqueName('bad'), partitions: 0 }])).rejects.toThrow(
      RangeError,
    );
  });

  it('does not create topics on produce: sending to a missing topic fails with TopicNotFoundError', async () => {
    const missing = uniqueName('missing');
    const error: unknown = await messaging.producer.send(missing, [{ key: 'k', value: 'v' }]).then(
      () => null,
      (rejection: unknown) => rejection,
    );
    expect(error).toBeInstanceOf(TopicNotFoundError);
    expect(error instanceof TopicNotFoundError && error.topic).toBe(missing);
    expect(error instanceof Error && error.message).toContain(`"${missing}" does not exist`);

    // The broker itself has auto.create.topics.enable=false: even a client that asks for auto-creation
    // (kafkajs' allowAutoTopicCreation, the metadata request flag) gets no topic.
    const kafka = new Kafka({ clientId: uniqueName('raw'), brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await expect(admin.fetchTopicMetadata({ topics: [missing] })).rejects.toThrow();
    } finally {
      await admin.disconnect();
    }
    const raw = kafka.producer({ allowAutoTopicCreation: true, retry: { retries: 1 } });
    await raw.connect();
    try {
      await expect(raw.send({ topic: missing, messages: [{ value: 'v' }] })).rejects.toThrow();
    } finally {
      await raw.disconnect();
    }
    expect(await messaging.admin.listTopics()).not.toContain(missing);
  });
});
