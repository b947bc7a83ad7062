import { randomBytes } from 'node:crypto';
import {
  createGatewayDatabase,
  createServiceDatabase,
  dropDatabase,
  type ServiceName,
} from '@platform/infra';
import { createKafkaMessaging } from '@platform/messaging';
import { databasePrefix, readTestState, topicPrefix } from './state';

export { eventually } from './eventually';
export { readTestState, type TestState } from './state';

export interface TestDatabase {
  service: ServiceName;
  database: string;
  /** Connects as the service's owner role (what migrations use). */
  ownerUrl: string;
  /** Connects as the service's application role (what the running service uses). */
  appUrl: string;
  /** Superuser URL of the server, for assertions that look behind the application's back. */
  adminUrl: string;
  /** This database as the superuser: row-level security and grants do not apply. */
  superuserUrl: string;
  drop(): Promise<void>;
}

const suffix = (): string => randomBytes(4).toString('hex');

/**
 * A fresh database for one service, already migrated (cloned from the run's template). Each test file
 * makes its own, so files run in parallel without seeing each other's rows.
 */
export async function createTestDatabase(service: ServiceName): Promise<TestDatabase> {
  const state = readTestState();
  const template = state.templates[service];
  if (!template) throw new Error(`service ${service} has no migrations to build a test database from`);
  const database = `${databasePrefix(state.runId)}${service}_${suffix()}`;
  const urls = await createServiceDatabase(state.adminUrl, service, database, { template });
  const superuser = new URL(state.adminUrl);
  superuser.pathname = `/${database}`;
  return {
    service,
    database,
    ownerUrl: urls.ownerUrl,
    appUrl: urls.appUrl,
    adminUrl: state.adminUrl,
    superuserUrl: superuser.toString(),
    drop: () => dropDatabase(state.adminUrl, database),
  };
}

/** A fresh gateway database (rate-limit counters) for one test file. */
export async function createGatewayTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const state = readTestState();
  const database = `${databasePrefix(state.runId)}gateway_${suffix()}`;
  const url = await createGatewayDatabase(state.adminUrl, database);
  return { url, drop: () => dropDatabase(state.adminUrl, database) };
}

export interface TestTopics {
  brokers: string[];
  /** The real topic name for a logical one, e.g. name('crm.contact') → 't.<run>.<file>.crm.contact'. */
  name(logical: string): string;
  /** Prefix shared by this file's topics (services take it as their topic prefix). */
  prefix: string;
  delete(): Promise<void>;
}

/**
 * Creates this test file's own copies of the given topics (explicitly: the broker does not
 * auto-create topics) and returns their names.
 */
export async function createTestTopics(
  logicalNames: readonly string[],
  options: { partitions?: number } = {},
): Promise<TestTopics> {
  const state = readTestState();
  const prefix = `${topicPrefix(state.runId)}${suffix()}.`;
  const name = (logical: string): string => `${prefix}${logical}`;
  const messaging = createKafkaMessaging({ brokers: state.kafkaBrokers, clientId: 'test-topics' });
  try {
    await messaging.admin.ensureTopics(
      logicalNames.map((logical) => ({ name: name(logical), partitions: options.partitions ?? 3 })),
    );
  } finally {
    await messaging.admin.disconnect();
  }
  return {
    brokers: state.kafkaBrokers,
    name,
    prefix,
    async delete() {
      const admin = createKafkaMessaging({ brokers: state.kafkaBrokers, clientId: 'test-topics' }).admin;
      try {
        await admin.deleteTopics(logicalNames.map(name));
      } finally {
        await admin.disconnect();
      }
    },
  };
}

/** Kafka bootstrap servers of this run. */
export function testKafkaBrokers(): string[] {
  return readTestState().kafkaBrokers;
}
export { withTestInfrastructure } from './harness';
