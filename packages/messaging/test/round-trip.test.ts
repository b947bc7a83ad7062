import type { Messaging } from '../src';
import {
  cleanUp,
  collect,
  ensureBroker,
  eventually,
  recordingLogger,
  testMessaging,
  text,
  uniqueName,
} from './support';

describe('produce and consume', () => {
  const topic = uniqueName('round-trip');
  const groupId = uniqueName('group');
  const logger = recordingLogger();
  let messaging: Messaging;

  beforeAll(async () => {
    await ensureBroker();
    messaging = testMessaging(logger);
    await messaging.admin.ensureTopics([{ name: topic, partitions: 1 }]);
  });

  afterAll(() => cleanUp(messaging, { topics: [topic], groups: [groupId] }));

  it('delivers key, value and headers intact and commits after each handled message', async () => {
    const binary = Buffer.from([0x00, 0x01, 0xfe, 0xff]);
    await messaging.producer.send(topic, [
      {
        key: 'contact-1',
        value: JSON.stringify({ name: 'Ada' }),
        headers: { ce_type: 'crm.contact.created.v1', ce_id: 'event-1', raw: binary },
      },
      { key: binary, value: binary },
    ]);
    await messaging.producer.send(topic, [
      { key: null, value: 'keyless' },
      { key: 'contact-1', value: null },
    ]);

    const { received } = await collect(messaging, [topic], groupId);
    await eventually('4 messages', () => received.length >= 4);

    expect(received.map((message) => [message.topic, message.partition, message.offset])).toEqual([
      [topic, 0, '0'],
      [topic, 0, '1'],
      [topic, 0, '2'],
      [topic, 0, '3'],
    ]);
    const [first, second, third, fourth] = received;
    expect(text(first?.key)).toBe('contact-1');
    expect(JSON.parse(text(first?.value) ?? 'null')).toEqual({ name: 'Ada' });
    expect(Object.keys(first?.headers ?? {}).sort()).toEqual(['ce_id', 'ce_type', 'raw']);
    expect(text(first?.headers.ce_type)).toBe('crm.contact.created.v1');
    expect(text(first?.headers.ce_id)).toBe('event-1');
    expect(first?.headers.raw?.equals(binary)).toBe(true);
    expect(first?.timestamp).toBeInstanceOf(Date);
    expect(Number.isNaN(first?.timestamp.getTime())).toBe(false);
    expect(second?.key?.equals(binary)).toBe(true);
    expect(second?.value?.equals(binary)).toBe(true);
    expect(second?.headers).toEqual({});
    expect(third?.key).toBeNull();
    expect(text(third?.value)).toBe('keyless');
    expect(text(fourth?.key)).toBe('contact-1');
    expect(fourth?.value).toBeNull();

    // The committed offset is the next one to read: after four handled messages, 4.
    await eventually('offset 4 committed', async () => {
      const offsets = await messaging.admin.committedOffsets(groupId, topic);
      return offsets[0]?.offset === '4';
    });
    expect(await messaging.admin.committedOffsets(groupId, topic)).toEqual([{ partition: 0, offset: '4' }]);

    // Every protocol call on this path worked against the broker: nothing went wrong along the way.
    expect(logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
  });
});
