import type { Kafka } from 'kafkajs';
import type { CommittedOffset, TopicAdmin, TopicSpec } from '../types';
import { retryRetriable } from './errors';
import { lazyConnection } from './lifecycle';

/** How long deleteTopics waits for deleted topics to leave the cluster metadata. */
const DELETE_DEADLINE_MS = 30_000;
/** How long ensureTopics waits for new topics to have a leader on every partition. */
const CREATE_DEADLINE_MS = 30_000;

/** Some partitions of new topics have no leader yet: worth asking again (retriable, as Kafka's own is). */
class LeaderNotAvailableError extends Error {
  readonly retriable = true;
  constructor(topics: readonly string[]) {
    super(`no leader yet for every partition of ${topics.join(', ')}`);
    this.name = 'LeaderNotAvailableError';
  }
}

/** Let the broker apply its default.replication.factor (needs CreateTopics v3+, which kafkajs sends). */
const BROKER_DEFAULT = -1;

export function createKafkajsAdmin(kafka: Kafka): TopicAdmin {
  const admin = kafka.admin();
  const connection = lazyConnection(
    () => admin.connect(),
    () => admin.disconnect(),
  );

  async function topicNames(): Promise<string[]> {
    await connection.open();
    return admin.listTopics();
  }

  return {
    async ensureTopics(specs: readonly TopicSpec[]): Promise<string[]> {
      for (const spec of specs) validate(spec);
      const existing = new Set(await topicNames());
      const missing = [...new Map(specs.map((spec) => [spec.name, spec])).values()].filter(
        (spec) => !existing.has(spec.name),
      );
      if (missing.length === 0) return [];
      // kafkajs returns false when every topic already existed (created concurrently by someone else).
      const created = await admin.createTopics({
        // kafkajs' own wait retries only LEADER_NOT_AVAILABLE; a broker that has not applied the
        // creation yet answers UNKNOWN_TOPIC_OR_PARTITION (seen with many topics created at once).
        waitForLeaders: false,
        topics: missing.map((spec) => ({
          topic: spec.name,
          numPartitions: spec.partitions,
          replicationFactor: spec.replicationFactor ?? BROKER_DEFAULT,
          configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
      await retryRetriable(async () => {
        const { topics } = await admin.fetchTopicMetadata({ topics: missing.map((spec) => spec.name) });
        const leaderless = topics.filter((topic) =>
          topic.partitions.some((partition) => partition.leader < 0 || partition.partitionErrorCode !== 0),
        );
        if (leaderless.length > 0) {
          throw new LeaderNotAvailableError(leaderless.map((topic) => topic.name));
        }
      }, CREATE_DEADLINE_MS);
      return created ? missing.map((spec) => spec.name) : [];
    },

    async deleteTopics(names: readonly string[]): Promise<void> {
      const wanted = new Set(names);
      const present = (await topicNames()).filter((name) => wanted.has(name));
      if (present.length === 0) return;
      await admin.deleteTopics({ topics: present, timeout: DELETE_DEADLINE_MS });
      // Deletion is acknowledged before every broker has applied it; wait until the metadata agrees, so
      // a topic of the same name can be created right after.
      const deadline = Date.now() + DELETE_DEADLINE_MS;
      for (;;) {
        const remaining = (await admin.listTopics()).filter((name) => wanted.has(name));
        if (remaining.length === 0) return;
        if (Date.now() > deadline) {
          throw new Error(
            `topics still listed ${DELETE_DEADLINE_MS} ms after deletion: ${remaining.join(', ')}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },

    async listTopics(): Promise<string[]> {
      return (await topicNames()).filter((name) => !name.startsWith('__')).sort();
    },

    async committedOffsets(groupId: string, topic: string): Promise<CommittedOffset[]> {
      await connection.open();
      const [result] = await retryRetriable(() => admin.fetchOffsets({ groupId, topics: [topic] }));
      return (result?.partitions ?? [])
        .map(({ partition, offset }) => ({ partition, offset: offset === '-1' ? null : offset }))
        .sort((a, b) => a.partition - b.partition);
    },

    async deleteConsumerGroups(groupIds: readonly string[]): Promise<void> {
      await connection.open();
      const wanted = new Set(groupIds);
      const { groups } = await retryRetriable(() => admin.listGroups());
      const present = groups.map((group) => group.groupId).filter((groupId) => wanted.has(groupId));
      if (present.length > 0) await retryRetriable(() => admin.deleteGroups(present));
    },

    disconnect: () => connection.close(),
  };
}

function validate(spec: TopicSpec): void {
  if (spec.name.length === 0) throw new RangeError('a topic needs a name');
  if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
    throw new RangeError(
      `topic "${spec.name}": partitions must be a positive integer, got ${spec.partitions}`,
    );
  }
  if (
    spec.replicationFactor !== undefined &&
    (!Number.isInteger(spec.replicationFactor) || spec.replicationFactor < 1)
  ) {
    throw new RangeError(
      `topic "${spec.name}": replicationFactor must be a positive integer, got ${spec.replicationFactor}`,
    );
  }
}
