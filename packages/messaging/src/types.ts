/**
 * The platform's messaging seam. Services and the event packages depend on these interfaces only; the
 * kafkajs implementation (./kafkajs) stays replaceable by another Kafka client.
 */

/** A header value as produced; strings are sent as UTF-8. */
export type HeaderValue = string | Buffer;

export interface OutgoingMessage {
  /**
   * Partitioning key. Messages with the same key land on the same partition and are consumed in the
   * order they were sent (the platform keys domain events by aggregate id). Null spreads keyless messages
   * over the partitions.
   */
  key: string | Buffer | null;
  /** Payload; null is a tombstone on compacted topics. */
  value: string | Buffer | null;
  headers?: Readonly<Record<string, HeaderValue>>;
}

export interface MessageProducer {
  /**
   * Sends a batch to one topic. Resolves once every message is acknowledged by all in-sync replicas
   * (acks=all) from an idempotent producer, so a retried send does not duplicate messages. Rejects with
   * TopicNotFoundError when the topic does not exist: topics are never created as a side effect.
   * Overlapping calls are sent one after another in call order, so messages of one key keep the order of
   * the send() calls even when the caller does not await each one.
   */
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface ConsumedMessage {
  topic: string;
  partition: number;
  /** The message's offset in its partition, as a decimal string (Kafka offsets are 64-bit). */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Headers as raw bytes. When a name repeats, the last value wins (like the Java client's lastHeader). */
  headers: Readonly<Record<string, Buffer>>;
  /** The record's timestamp (producer create time unless the topic uses log-append time). */
  timestamp: Date;
}

/**
 * Handles one message. The consumer commits the message's offset only after the returned promise
 * resolves; if it rejects, nothing is committed and the message is delivered again (the client retries
 * with backoff, and a consumer that restarts resumes at the first uncommitted message). Messages of one
 * partition are handled one at a time, in order. Delivery is at least once, so handlers must be idempotent.
 */
export type MessageHandler = (message: ConsumedMessage) => Promise<void>;

export interface ConsumerOptions {
  /** Consumer group: members share the partitions, and committed offsets belong to the group. */
  groupId: string;
  /**
   * Where a group without a committed offset starts. Default true (earliest): a new group that started at
   * the end would silently skip every event produced before it first joined.
   */
  fromBeginning?: boolean;
  /** How many partitions are handled at the same time (default 1). Order within a partition always holds. */
  partitionsConsumedConcurrently?: number;
  /**
   * Told after each fetched batch of a partition was handled how many messages of that partition are
   * still behind it (the group's lag there, as of that fetch): what a consumer-lag gauge shows.
   */
  onLag?: (lag: PartitionLag) => void;
}

/** How far a group is behind the end of one partition. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** Messages between the last one handled and the partition's end, when the batch was fetched. */
  messages: number;
}

export interface MessageConsumer {
  /** Adds topics to the subscription. Call before run(); the topics must exist. */
  subscribe(topics: readonly string[]): Promise<void>;
  /** Joins the group and starts handing messages to the handler; resolves once the group is joined. */
  run(handler: MessageHandler): Promise<void>;
  /**
   * Stops fetching, waits for the handlers already running to finish and commit, then leaves the group and
   * disconnects. Messages fetched but not yet handled stay uncommitted and go to the next member.
   * Safe to call more than once, and before run().
   */
  stop(): Promise<void>;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Defaults to the broker's default.replication.factor. */
  replicationFactor?: number;
  /** Topic-level configuration, e.g. { 'cleanup.policy': 'compact', 'retention.ms': '604800000' }. */
  config?: Readonly<Record<string, string>>;
}

export interface CommittedOffset {
  partition: number;
  /** The next offset the group will read from this partition; null when the group never committed one. */
  offset: string | null;
}

/** Topic and consumer-group administration. */
export interface TopicAdmin {
  /**
   * Creates the topics that do not exist yet and waits until their partitions have leaders. Existing topics
   * are left as they are (their partition count and config are not changed). Returns the names it created.
   */
  ensureTopics(topics: readonly TopicSpec[]): Promise<string[]>;
  /** Deletes the topics that exist; names that do not exist are ignored. */
  deleteTopics(names: readonly string[]): Promise<void>;
  /** Names of the topics in the cluster, internal ones (such as __consumer_offsets) excluded. */
  listTopics(): Promise<string[]>;
  /** The offsets a group has committed on a topic, one entry per partition. */
  committedOffsets(groupId: string, topic: string): Promise<CommittedOffset[]>;
  /** Deletes consumer groups (they must have no active members); unknown groups are ignored. */
  deleteConsumerGroups(groupIds: readonly string[]): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * Entry point: one per process and cluster. The producer and the admin are shared by the whole process
 * (one producer batches every send); each consumer belongs to one group. Clients connect lazily on
 * first use.
 */
export interface Messaging {
  readonly producer: MessageProducer;
  readonly admin: TopicAdmin;
  consumer(options: ConsumerOptions): MessageConsumer;
  /** Stops every consumer created here (draining their handlers), then disconnects the producer and admin. */
  close(): Promise<void>;
}
