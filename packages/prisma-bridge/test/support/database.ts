import { randomBytes } from 'node:crypto';

import pg from 'pg';

import { adminDatabaseUrl } from './environment';

/** The admin URL with another database. */
export function databaseUrl(database: string, query = ''): string {
  const url = new URL(adminDatabaseUrl());
  url.pathname = `/${database}`;
  url.search = query;
  return url.href;
}

/** A unique, lower-case database name (so test files can run in parallel). */
export function scratchName(label: string): string {
  return `bridge_t_${label}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function query<R extends pg.QueryResultRow = Record<string, unknown>>(
  database: string,
  sql: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: databaseUrl(database) });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

function adminDatabase(): string {
  return decodeURIComponent(new URL(adminDatabaseUrl()).pathname.slice(1)) || 'postgres';
}

export async function databaseExists(name: string): Promise<boolean> {
  const rows = await query(adminDatabase(), 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rows.length > 0;
}

export async function existingDatabases(names: readonly string[]): Promise<string[]> {
  const rows = await query<{ datname: string }>(
    adminDatabase(),
    'SELECT datname FROM pg_database WHERE datname = ANY($1::text[])',
    [names],
  );
  return rows.map((row) => row.datname);
}

export async function createDatabase(name: string): Promise<void> {
  await query(adminDatabase(), `CREATE DATABASE "${name}"`);
}

export async function dropDatabase(name: string): Promise<void> {
  await query(adminDatabase(), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

export async function tableNames(database: string, schema = 'public'): Promise<string[]> {
  const rows = await query<{ table_name: string }>(
    database,
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
    [schema],
  );
  return rows.map((row) => row.table_name);
}

/** Tracks scratch databases and drops them all at the end of a test file. */
export class ScratchDatabases {
  private readonly names = new Set<string>();

  /** A fresh name (the database is not created). */
  name(label: string): string {
    const name = scratchName(label);
    this.names.add(name);
    return name;
  }

  /** Adopts a database created elsewhere (e.g. by the CLI) for cleanup. */
  track(name: string): void {
    this.names.add(name);
  }

  async create(label: string): Promise<string> {
    const name = this.name(label);
    await createDatabase(name);
    return name;
  }

  async dropAll(): Promise<void> {
    for (const name of this.names) await dropDatabase(name);
    this.names.clear();
  }
}
