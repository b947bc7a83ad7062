import { TopicNotFoundError } from '../errors';

/** The kafkajs error type (protocol error code name) anywhere in an error's cause chain. */
export function hasKafkaErrorType(error: unknown, type: string): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 10; depth++) {
    if ('type' in current && current.type === type) return true;
    current = current.cause;
  }
  return false;
}

/** kafkajs reports a missing topic as UNKNOWN_TOPIC_OR_PARTITION somewhere in a retry error's causes. */
export function translateSendError(error: unknown, topic: string): unknown {
  return hasKafkaErrorType(error, 'UNKNOWN_TOPIC_OR_PARTITION')
    ? new TopicNotFoundError(topic, { cause: error })
    : error;
}

/**
 * Runs an admin call again while it fails with an error Kafka marks retriable, such as
 * COORDINATOR_LOAD_IN_PROGRESS: on a fresh broker the first group request creates __consumer_offsets,
 * and until its partitions are loaded the group coordinator answers with that error. kafkajs retries it
 * for consumers but not for the admin's group calls.
 */
export async function retryRetriable<T>(operation: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
    try {
      return await operation();
    } catch (error) {
      if (!isRetriable(error) || Date.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function isRetriable(error: unknown): boolean {
  return error instanceof Error && 'retriable' in error && error.retriable === true;
}
