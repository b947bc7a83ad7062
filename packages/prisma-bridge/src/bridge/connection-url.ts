import type { PoolConfig } from 'pg';

/** Query parameters that only Prisma understands; node-postgres must not see them. */
const PRISMA_ONLY_PARAMETERS = [
  'schema',
  'connection_limit',
  'pool_timeout',
  'pgbouncer',
  'statement_cache_size',
  'socket_timeout',
  'sslaccept',
  'sslidentity',
  'sslpassword',
];

/** A PostgreSQL connection target, parsed from a Prisma datasource URL. */
export interface PostgresTarget {
  /** The URL as given (used for error messages, never logged with its password). */
  readonly url: string;
  /** The URL without the Prisma-only parameters: what node-postgres gets. */
  readonly connectionString: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /** The `?schema=` parameter, if any. */
  readonly schema: string | undefined;
}

export class InvalidDatasourceUrlError extends Error {}

/** Parses a `postgres://` / `postgresql://` URL. Throws InvalidDatasourceUrlError for anything else. */
export function parsePostgresUrl(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidDatasourceUrlError(
      'The provided database string is invalid. The URL could not be parsed.',
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new InvalidDatasourceUrlError(
      `The bridge schema engine only supports PostgreSQL URLs (postgres:// or postgresql://), got \`${parsed.protocol}\`.`,
    );
  }
  const schemaParameter = parsed.searchParams.get('schema');
  const schema = schemaParameter !== null && schemaParameter !== '' ? schemaParameter : undefined;
  const stripped = new URL(parsed.href);
  for (const name of PRISMA_ONLY_PARAMETERS) stripped.searchParams.delete(name);
  const user = decodeURIComponent(parsed.username);
  const pathDatabase = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  const host = parsed.hostname !== '' ? parsed.hostname : (parsed.searchParams.get('host') ?? 'localhost');
  return {
    url,
    connectionString: stripped.href,
    host,
    port: parsed.port !== '' ? Number(parsed.port) : 5432,
    database: pathDatabase !== '' ? pathDatabase : user !== '' ? user : 'postgres',
    schema,
  };
}

/** The same server and credentials, another database. */
export function withDatabase(target: PostgresTarget, database: string): PostgresTarget {
  const url = new URL(target.url);
  url.pathname = `/${encodeURIComponent(database)}`;
  const connectionString = new URL(target.connectionString);
  connectionString.pathname = `/${encodeURIComponent(database)}`;
  return { ...target, url: url.href, connectionString: connectionString.href, database };
}

/** Whether two targets name the same database on the same server. */
export function isSameDatabase(a: PostgresTarget, b: PostgresTarget): boolean {
  return a.host === b.host && a.port === b.port && a.database === b.database;
}

/** Double-quotes a PostgreSQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * node-postgres settings for a target. With `withSearchPath`, a `?schema=` becomes the session's
 * `search_path` (a startup option, so every pooled connection has it before its first query).
 */
export function poolConfigFor(target: PostgresTarget, withSearchPath = true): PoolConfig {
  const config: PoolConfig = { connectionString: target.connectionString, max: 4 };
  if (withSearchPath && target.schema !== undefined) {
    // The startup `options` string is split on spaces; a backslash escapes the next character.
    const value = quoteIdentifier(target.schema).replace(/\\/g, '\\\\').replace(/ /g, '\\ ');
    config.options = `-c search_path=${value}`;
  }
  return config;
}

/** `host:port` the way the native engine prints it in error messages. */
export function describeServer(target: PostgresTarget): string {
  return `${target.host}:${target.port}`;
}
