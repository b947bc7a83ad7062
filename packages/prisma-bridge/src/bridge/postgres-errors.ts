import { DriverAdapterError, isDriverAdapterError } from '@prisma/driver-adapter-utils';

import { describeServer, type PostgresTarget } from './connection-url';

/** The fields node-postgres puts on a server error (pg.DatabaseError). */
interface PgServerError {
  code: string;
  message: string;
  severity?: string;
  detail?: string;
  hint?: string;
  column?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function isPgServerError(error: unknown): error is PgServerError {
  return (
    error instanceof Error &&
    isRecord(error) &&
    typeof error.code === 'string' &&
    /^[0-9A-Z]{5}$/.test(error.code) &&
    typeof error.severity === 'string'
  );
}

const SOCKET_ERROR_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function isUnreachableError(error: unknown): boolean {
  if (isDriverAdapterError(error)) return error.cause.kind === 'DatabaseNotReachable';
  return error instanceof Error && isRecord(error) && SOCKET_ERROR_CODES.has(String(error.code));
}

/** PostgreSQL reports `3D000` for a database that does not exist. */
export function isMissingDatabaseError(error: unknown): boolean {
  if (isDriverAdapterError(error)) return error.cause.kind === 'DatabaseDoesNotExist';
  return isPgServerError(error) && error.code === '3D000';
}

/**
 * Converts a node-postgres error into the adapter error the schema engine understands (the same shape
 * @prisma/adapter-pg produces for the errors that matter to migrations).
 */
export function toDriverAdapterError(error: unknown): DriverAdapterError {
  if (isDriverAdapterError(error)) return error;
  if (isPgServerError(error)) {
    if (error.code === '3D000') {
      return new DriverAdapterError({ kind: 'DatabaseDoesNotExist', originalCode: error.code });
    }
    return new DriverAdapterError({
      kind: 'postgres',
      code: error.code,
      severity: error.severity ?? 'ERROR',
      message: error.message,
      detail: optionalString(error.detail),
      column: optionalString(error.column),
      hint: optionalString(error.hint),
      originalCode: error.code,
      originalMessage: error.message,
    });
  }
  if (isUnreachableError(error)) return new DriverAdapterError({ kind: 'DatabaseNotReachable' });
  if (error instanceof Error && isRecord(error) && error.code === 'ECONNRESET') {
    return new DriverAdapterError({ kind: 'ConnectionClosed' });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new DriverAdapterError({
    kind: 'postgres',
    code: 'N/A',
    severity: 'ERROR',
    message,
    detail: undefined,
    column: undefined,
    hint: undefined,
  });
}

/** A user-facing error with a Prisma error code (what the native engine reports as `error_code`). */
export class KnownEngineError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
    readonly meta: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'KnownEngineError';
  }
}

/**
 * Maps a connection-level failure to the Prisma error the native engine would report (P1000 wrong
 * credentials, P1001 server unreachable, P1003 database missing, P1009 database exists, P1010 access
 * denied). Anything else is returned as it is.
 */
export function toConnectionError(error: unknown, target: PostgresTarget): unknown {
  const server = describeServer(target);
  const code = isPgServerError(error) ? error.code : isRecord(error) ? String(error.code) : '';
  if (code === '3D000') {
    return new KnownEngineError(
      'P1003',
      `Database \`${target.database}\` does not exist on the database server at \`${server}\`.`,
      { database_name: target.database, database_host: target.host, database_port: target.port },
    );
  }
  if (code === '42P04') {
    return new KnownEngineError(
      'P1009',
      `Database \`${target.database}\` already exists on the database server at \`${server}\``,
      { database_name: target.database, database_host: target.host, database_port: target.port },
    );
  }
  if (code === '28P01' || code === '28000') {
    const user = new URL(target.url).username;
    return new KnownEngineError(
      code === '28P01' ? 'P1000' : 'P1010',
      code === '28P01'
        ? `Authentication failed against database server, the provided database credentials for \`${decodeURIComponent(user)}\` are not valid.\n\nPlease make sure to provide valid database credentials for the database server at the configured address.`
        : `User \`${decodeURIComponent(user)}\` was denied access on the database \`${target.database}\``,
    );
  }
  if (isUnreachableError(error)) {
    return new KnownEngineError(
      'P1001',
      `Can't reach database server at \`${server}\`\n\nPlease make sure your database server is running at \`${server}\`.`,
      { database_host: target.host, database_port: target.port },
    );
  }
  return error;
}
