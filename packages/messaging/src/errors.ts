/**
 * Producing to a topic that does not exist. Topics are created on purpose (TopicAdmin.ensureTopics),
 * never as a side effect of a send.
 */
export class TopicNotFoundError extends Error {
  override readonly name = 'TopicNotFoundError';

  constructor(
    readonly topic: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Kafka topic "${topic}" does not exist; topics are not created automatically, ` +
        'create it with TopicAdmin.ensureTopics',
      options,
    );
  }
}
