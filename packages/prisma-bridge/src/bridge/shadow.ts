import { randomUUID } from 'node:crypto';

import pg from 'pg';

import { poolConfigFor, quoteIdentifier, withDatabase, type PostgresTarget } from './connection-url';
import { isMissingDatabaseError } from './postgres-errors';

/** The prefix the native engine uses too, so leftovers are recognisable. */
export const SHADOW_DATABASE_PREFIX = 'prisma_migrate_shadow_db_';

/** Databases to try for server-level statements (CREATE/DROP DATABASE), after the target's own. */
const MAINTENANCE_DATABASES = ['postgres', 'template1'];

/**
 * Runs `work` on a connection to the target's server without touching the target database's content:
 * connects to the target database itself if it exists (only server-level statements are sent), else
 * to a maintenance database.
 */
export async function withServerConnection<T>(
  target: PostgresTarget,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const candidates = [target.database, ...MAINTENANCE_DATABASES.filter((name) => name !== target.database)];
  let lastError: unknown;
  for (const database of candidates) {
    const client = new pg.Client(poolConfigFor(withDatabase(target, database), false));
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      lastError = error;
      if (isMissingDatabaseError(error)) continue;
      throw error;
    }
    try {
      return await work(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw lastError;
}

/** Drops `database` through a connection to another database of the `server` target's server. */
export async function dropDatabase(server: PostgresTarget, database: string): Promise<void> {
  const via =
    server.database === database ? withDatabase(server, MAINTENANCE_DATABASES[0] ?? 'postgres') : server;
  await withServerConnection(via, async (client) => {
    try {
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)} WITH (FORCE)`);
    } catch {
      // PostgreSQL < 13 has no WITH (FORCE).
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)}`);
    }
  });
}

/**
 * The shadow databases this process created. Each is created with a unique name next to the main
 * database (never inside it) and dropped when the engine releases it, when a command fails, and when
 * the process stops.
 */
export class ShadowDatabases {
  /** Shadow database name → the main target it was created beside. */
  private readonly live = new Map<string, PostgresTarget>();

  /** Creates an empty, uniquely named database on the main target's server and returns its target. */
  async create(main: PostgresTarget): Promise<PostgresTarget> {
    const name = `${SHADOW_DATABASE_PREFIX}${randomUUID().replace(/-/g, '_')}`;
    await withServerConnection(main, async (client) => {
      await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
    });
    this.live.set(name, main);
    const shadow = withDatabase(main, name);
    if (shadow.schema !== undefined && shadow.schema !== 'public') {
      const client = new pg.Client(poolConfigFor(shadow, false));
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(shadow.schema)}`);
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    return shadow;
  }

  async drop(name: string): Promise<void> {
    const main = this.live.get(name);
    if (main === undefined) return;
    this.live.delete(name);
    await dropDatabase(main, name);
  }

  /** Drops every shadow database still alive. Never throws; returns the errors it met. */
  async dropAll(): Promise<unknown[]> {
    const errors: unknown[] = [];
    for (const name of [...this.live.keys()]) {
      await this.drop(name).catch((error: unknown) => errors.push(error));
    }
    return errors;
  }

  get names(): string[] {
    return [...this.live.keys()];
  }
}

/**
 * Empties a configured shadow database (`shadowDatabaseUrl`): drops every non-system schema and
 * recreates `public` (and the `?schema=` one), the way the native engine resets it before use.
 */
export async function wipeDatabase(target: PostgresTarget): Promise<void> {
  const client = new pg.Client(poolConfigFor(target, false));
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace
        WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%'`,
    );
    const statements = rows.map((row) => `DROP SCHEMA ${quoteIdentifier(row.nspname)} CASCADE;`);
    statements.push('CREATE SCHEMA IF NOT EXISTS public;');
    if (target.schema !== undefined)
      statements.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(target.schema)};`);
    await client.query(statements.join('\n'));
  } finally {
    await client.end().catch(() => undefined);
  }
}
