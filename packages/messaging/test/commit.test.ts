import type { ConsumedMessage, Messaging } from '../src';
import { cleanUp, collect, ensureBroker, eventually, testMessaging, text, uniqueName } from './support';

const values = (messages: readonly ConsumedMessage[]) => messages.map((message) => text(message.value));
const batch = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => ({ key: 'aggregate', value: `m${from + index}` }));

describe('offset commits', () => {
  const topics: string[] = [];
  const groups: string[] = [];
  let messaging: Messaging;

  beforeAll(async () => {
    await ensureBroker();
    messaging = testMessaging();
  });

  afterAll(() => cleanUp(messaging, { topics, groups }));

  async function freshTopic(): Promise<{ topic: string; groupId: string }> {
    const topic = uniqueName('commits');
    const groupId = uniqueName('group');
    topics.push(topic);
    groups.push(groupId);
    await messaging.admin.ensureTopics([{ name: topic, partitions: 1 }]);
    return { topic, groupId };
  }

  const committed = async (groupId: string, topic: string) =>
    (await messaging.admin.committedOffsets(groupId, topic))[0]?.offset ?? null;

  it('resumes after the last committed offset: stop() drains the handler in flight, nothing is lost or repeated', async () => {
    const { topic, groupId } = await freshTopic();
    await messaging.producer.send(topic, batch(0, 5));

    // The first member blocks in the handler of m2; stop() is called while it is in flight.
    let releaseM2 = (): void => undefined;
    const m2Released = new Promise<void>((resolve) => (releaseM2 = resolve));
    let m2Started = false;
    const first = await collect(messaging, [topic], groupId, async (message) => {
      if (text(message.value) === 'm2') {
        m2Started = true;
        await m2Released;
      }
    });
    await eventually('m2 in the handler', () => m2Started);
    const stopped = first.consumer.stop();
    releaseM2();
    await stopped;

    expect(values(first.received)).toEqual(['m0', 'm1', 'm2']);
    expect(await committed(groupId, topic)).toBe('3');

    await messaging.producer.send(topic, batch(6, 7));
    const second = await collect(messaging, [topic], groupId);
    await eventually('m3..m7', () => second.received.length >= 5);
    await eventually('offset 8 committed', async () => (await committed(groupId, topic)) === '8');
    await second.consumer.stop();

    expect(values(second.received)).toEqual(['m3', 'm4', 'm5', 'm6', 'm7']);
  });

  it('does not commit a message whose handler throws; it is delivered again, and again after a restart', async () => {
    const { topic, groupId } = await freshTopic();
    await messaging.producer.send(topic, batch(0, 2));

    const attempts: string[] = [];
    const failing = messaging.consumer({ groupId });
    await failing.subscribe([topic]);
    await failing.run((message) => {
      const value = text(message.value) ?? '';
      attempts.push(value);
      return value === 'm1' ? Promise.reject(new Error('handler failed on m1')) : Promise.resolve();
    });
    // The client fetches m1 again after a backoff, without a restart.
    await eventually('m1 attempted twice', () => attempts.filter((value) => value === 'm1').length >= 2);
    await failing.stop();

    expect(attempts.filter((value) => value === 'm0')).toEqual(['m0']);
    expect(attempts).not.toContain('m2');
    expect(await committed(groupId, topic)).toBe('1');

    const second = await collect(messaging, [topic], groupId);
    await eventually('m1 and m2', () => second.received.length >= 2);
    await eventually('offset 3 committed', async () => (await committed(groupId, topic)) === '3');
    await second.consumer.stop();

    expect(values(second.received)).toEqual(['m1', 'm2']);
  });
});
