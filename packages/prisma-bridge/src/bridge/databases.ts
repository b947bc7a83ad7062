import pg from 'pg';

import { poolConfigFor, quoteIdentifier, withDatabase, type PostgresTarget } from './connection-url';
import { toConnectionError } from './postgres-errors';
import { dropDatabase, withServerConnection } from './shadow';

/** Connects to the target database and runs a trivial query (P1000/P1001/P1003… on failure). */
export async function canConnect(target: PostgresTarget): Promise<void> {
  const client = new pg.Client(poolConfigFor(target));
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw toConnectionError(error, target);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates the target database (P1009 if it exists), and its `?schema=` schema. Returns its name.
 * Connects through a maintenance database, since the target does not exist yet.
 */
export async function createDatabase(target: PostgresTarget): Promise<string> {
  const server = withDatabase(target, target.database === 'postgres' ? 'template1' : 'postgres');
  try {
    await withServerConnection(server, async (client) => {
      await client.query(`CREATE DATABASE ${quoteIdentifier(target.database)}`);
    });
  } catch (error) {
    throw toConnectionError(error, target);
  }
  if (target.schema !== undefined && target.schema !== 'public') {
    const client = new pg.Client(poolConfigFor(target, false));
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(target.schema)}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return target.database;
}

/** Drops the target database (terminating its connections). */
export async function dropTargetDatabase(target: PostgresTarget): Promise<void> {
  try {
    await dropDatabase(target, target.database);
  } catch (error) {
    throw toConnectionError(error, target);
  }
}
