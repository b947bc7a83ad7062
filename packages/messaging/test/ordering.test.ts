import type { ConsumedMessage, Messaging, OutgoingMessage } from '../src';
import { cleanUp, collect, ensureBroker, eventually, testMessaging, text, uniqueName } from './support';

describe('ordering', () => {
  const topic = uniqueName('ordering');
  const groupId = uniqueName('group');
  let messaging: Messaging;

  beforeAll(async () => {
    await ensureBroker();
    messaging = testMessaging();
    await messaging.admin.ensureTopics([{ name: topic, partitions: 4 }]);
  });

  afterAll(() => cleanUp(messaging, { topics: [topic], groups: [groupId] }));

  it('keeps the order of each key across a multi-partition topic, with concurrent sends', async () => {
    const keys = Array.from({ length: 12 }, (_, index) => `aggregate-${index}`);
    const perKey = 15;
    // Five rounds; in each, every key gets a batch of three. All 60 send() calls are started at once:
    // the producer sends them in call order, so each key's batches stay in sequence.
    const batches = Array.from({ length: 5 }, (_, round) =>
      keys.map((key): OutgoingMessage[] =>
        [0, 1, 2].map((step) => ({ key, value: String(round * 3 + step) })),
      ),
    ).flat();
    await Promise.all(batches.map((batch) => messaging.producer.send(topic, batch)));

    const consumer = messaging.consumer({ groupId, partitionsConsumedConcurrently: 4 });
    const received: ConsumedMessage[] = [];
    await consumer.subscribe([topic]);
    await consumer.run((message) => {
      received.push(message);
      return Promise.resolve();
    });
    await eventually('every message', () => received.length >= keys.length * perKey);

    expect(received).toHaveLength(keys.length * perKey);
    const partitionsUsed = new Set(received.map((message) => message.partition));
    expect(partitionsUsed.size).toBeGreaterThan(1);
    for (const key of keys) {
      const ofKey = received.filter((message) => text(message.key) === key);
      expect(ofKey.map((message) => text(message.value))).toEqual(
        Array.from({ length: perKey }, (_, index) => String(index)),
      );
      expect(new Set(ofKey.map((message) => message.partition)).size).toBe(1);
    }
    await consumer.stop();
  });

  it('hands messages of one partition to the handler one at a time', async () => {
    const single = uniqueName('sequential');
    const group = uniqueName('group');
    try {
      await messaging.admin.ensureTopics([{ name: single, partitions: 1 }]);
      await messaging.producer.send(
        single,
        Array.from({ length: 10 }, (_, index) => ({ key: null, value: String(index) })),
      );
      let running = 0;
      let maxRunning = 0;
      const { consumer, received } = await collect(messaging, [single], group, async () => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
      });
      await eventually('10 messages', () => received.length >= 10);
      expect(received.map((message) => text(message.value))).toEqual(
        Array.from({ length: 10 }, (_, index) => String(index)),
      );
      expect(maxRunning).toBe(1);
      await consumer.stop();
    } finally {
      await messaging.admin.deleteConsumerGroups([group]);
      await messaging.admin.deleteTopics([single]);
    }
  });
});
