import { dropDatabasesWithPrefix, readInfraEnvironment } from '@platform/infra';
import { createKafkaMessaging } from '@platform/messaging';
import { databasePrefix, hasTestState, readTestState, TEST_STATE_VARIABLE, topicPrefix } from '../state';
import { takeRelease } from './lifecycle';

/**
 * Drops what this run created (databases and topics carry the run id) and stops infrastructure that
 * global setup started. Set PLATFORM_KEEP_INFRA=1 to keep a started broker for the next run.
 */
export default async function globalTeardown(): Promise<void> {
  if (!hasTestState()) return;
  const state = readTestState();
  delete process.env[TEST_STATE_VARIABLE];
  await dropDatabasesWithPrefix(state.adminUrl, databasePrefix(state.runId));
  const messaging = createKafkaMessaging({ brokers: state.kafkaBrokers, clientId: 'test-teardown' });
  try {
    const topics = (await messaging.admin.listTopics()).filter((topic) =>
      topic.startsWith(topicPrefix(state.runId)),
    );
    if (topics.length > 0) await messaging.admin.deleteTopics(topics);
  } finally {
    await messaging.admin.disconnect();
  }
  const release = takeRelease();
  if (release && !readInfraEnvironment().PLATFORM_KEEP_INFRA) await release();
}
