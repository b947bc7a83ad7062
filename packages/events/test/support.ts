import { randomBytes, randomUUID } from 'node:crypto';
import {
  createKafkaMessaging,
  type ConsumedMessage,
  type MessageConsumer,
  type Messaging,
  type MessagingLogger,
  recordingLogger,
} from '@platform/messaging';
import { readTestState } from '@platform/testing';

export { recordingLogger };
import { Client, Pool, type PoolClient } from 'pg';
import { createEvent, OUTBOX_TABLES_SQL, type CatalogEvent, type SqlExecutor } from '../src';

/** A database of its own for one test file, with the outbox tables; the run's teardown drops it too. */
export interface ScratchDatabase {
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

export async function createScratchDatabase(extraSql = ''): Promise<ScratchDatabase> {
  const { adminUrl, runId } = readTestState();
  // The t_<runId>_ prefix lets the run's teardown drop it even when afterAll never ran.
  const name = `t_${runId}_events_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = new Pool({ connectionString: url.toString(), max: 6 });
  await pool.query(OUTBOX_TABLES_SQL + extraSql);
  return {
    url: url.toString(),
    pool,
    async drop() {
      // pool.end() resolves before its connections have closed, so the DROP … WITH (FORCE) below can still
      // terminate one; the pool re-emits that idle client's error, which unhandled would fail the file.
      pool.on('error', () => undefined);
      await pool.end();
      const cleanup = new Client({ connectionString: adminUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

/** The SqlExecutor a Prisma transaction client provides, over a pg connection. */
export function executor(client: PoolClient): SqlExecutor {
  return {
    $executeRawUnsafe: async (query, ...values) => (await client.query(query, values)).rowCount ?? 0,
  };
}

/** Runs work in one transaction on its own connection; rolls back when work throws. */
export async function inTransaction<T>(
  pool: Pool,
  work: (tx: SqlExecutor, client: PoolClient) => Promise<T>,
  tenantId?: string,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    if (tenantId) await client.query("SELECT set_config('app.organization_id', $1, true)", [tenantId]);
    const result = await work(executor(client), client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

export function testMessaging(logger: MessagingLogger = recordingLogger()): Messaging {
  return createKafkaMessaging({
    brokers: readTestState().kafkaBrokers,
    clientId: `events-test-${randomBytes(3).toString('hex')}`,
    logger,
  });
}

/** A consumer that keeps everything it receives (reads its topics from the beginning). */
export async function collect(
  messaging: Messaging,
  topics: readonly string[],
): Promise<{ consumer: MessageConsumer; received: ConsumedMessage[] }> {
  const received: ConsumedMessage[] = [];
  const consumer = messaging.consumer({ groupId: `events-test-collect-${randomUUID()}` });
  await consumer.subscribe(topics);
  await consumer.run((message) => {
    received.push(message);
    return Promise.resolve();
  });
  return { consumer, received };
}

export const text = (buffer: Buffer | null | undefined): string | null => buffer?.toString('utf8') ?? null;

export const headerText = (message: ConsumedMessage, name: string): string | null =>
  text(message.headers[name]);

/** A valid contact event; `overrides` pick the aggregate and tenant. */
export function contactCreated(
  options: { contactId?: string; organizationId?: string; tags?: string[] } = {},
): CatalogEvent<'crm.contact.created.v1'> {
  const contactId = options.contactId ?? randomUUID();
  const organizationId = options.organizationId ?? randomUUID();
  return createEvent('crm.contact.created.v1', {
    subject: contactId,
    tenantId: organizationId,
    source: '/services/crm',
    data: {
      contactId,
      organizationId,
      ownerId: null,
      companyId: null,
      relationshipState: 'Lead',
      tags: options.tags ?? [],
      createdAt: new Date().toISOString(),
    },
  });
}

export function userCreated(organizationId: string = randomUUID()): CatalogEvent<'identity.user.created.v1'> {
  const userId = randomUUID();
  return createEvent('identity.user.created.v1', {
    subject: userId,
    tenantId: organizationId,
    source: '/services/identity',
    data: {
      userId,
      organizationId,
      email: `user-${userId.slice(0, 8)}@example.com`,
      type: 'human',
      status: 'invited',
      roles: ['member'],
      givenName: null,
      familyName: null,
      createdAt: new Date().toISOString(),
    },
  });
}

export { eventually } from '@platform/testing';
