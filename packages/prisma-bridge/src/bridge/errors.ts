import { isDriverAdapterError, type ErrorRegistry } from '@prisma/driver-adapter-utils';

import { isPgServerError, KnownEngineError } from './postgres-errors';
import { isWasmTrap } from './wasm';

/** The JSON-RPC error code the native engine uses for every engine error. */
export const ENGINE_ERROR_RPC_CODE = 4466;

export interface RpcErrorData {
  is_panic: boolean;
  message: string;
  meta: Record<string, unknown>;
  error_code?: string;
  backtrace?: string;
}

export interface RpcError {
  code: number;
  message: string;
  data: RpcErrorData;
}

/** A failure of the WASM module itself (a Rust panic): the instance cannot be used any more. */
export class EnginePanic extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnginePanic';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Error texts from the WASM engine end with a Rust span trace (`   0: schema_core::…\n   at …`),
 * which the native engine keeps out of user-facing messages. Keep the message, drop the trace.
 */
export function cleanEngineMessage(message: string): string {
  const lines = message.split('\n');
  const traceStart = lines.findIndex((line) => /^\s*\d+: [a-z_][a-z0-9_]*(::[A-Za-z0-9_<>]+)+/.test(line));
  const kept = traceStart === -1 ? lines : lines.slice(0, traceStart);
  return kept.join('\n').trimEnd();
}

/** Whether an error thrown by the WASM module is a Rust panic (the instance is dead afterwards). */
export function isWasmPanic(error: unknown): boolean {
  return isWasmTrap(error) || error instanceof EnginePanic;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return JSON.stringify(error) ?? String(error);
}

/** The JSON-RPC error object for an error thrown while serving a request. */
export function toRpcError(error: unknown, panicMessage?: string): RpcError {
  if (isWasmPanic(error)) {
    const message = panicMessage ?? errorMessage(error);
    return {
      code: ENGINE_ERROR_RPC_CODE,
      message,
      data: {
        is_panic: true,
        message,
        meta: {},
        backtrace: error instanceof Error ? error.stack : undefined,
      },
    };
  }
  if (error instanceof KnownEngineError) {
    return {
      code: ENGINE_ERROR_RPC_CODE,
      message: 'An error happened. Check the data field for details.',
      data: { is_panic: false, message: error.message, meta: error.meta, error_code: error.errorCode },
    };
  }
  let message = cleanEngineMessage(errorMessage(error));
  if (isDriverAdapterError(error)) {
    const cause: unknown = error.cause;
    if (isRecord(cause) && typeof cause.message === 'string' && cause.message !== message) {
      message = `${message}: ${cause.message}`;
    }
  }
  const data: RpcErrorData = { is_panic: false, message, meta: {} };
  if (isRecord(error)) {
    if (typeof error.code === 'string' && /^P\d{4}$/.test(error.code)) data.error_code = error.code;
    if (isRecord(error.meta)) data.meta = error.meta;
  }
  return {
    code: ENGINE_ERROR_RPC_CODE,
    message: 'An error happened. Check the data field for details.',
    data,
  };
}

/** The PostgreSQL error of a failed script, the way psql and the native engine print it. */
export function describeDatabaseError(error: unknown): { code: string | undefined; text: string } {
  if (isPgServerError(error)) {
    const lines = [`${error.severity ?? 'ERROR'}: ${error.message}`];
    if (typeof error.detail === 'string') lines.push(`DETAIL: ${error.detail}`);
    if (typeof error.hint === 'string') lines.push(`HINT: ${error.hint}`);
    return { code: error.code, text: lines.join('\n') };
  }
  return { code: undefined, text: errorMessage(error) };
}

/**
 * The WASM engine reports a failed migration script as "external connector error" plus a span trace
 * naming the migration. Rebuild the native engine's P3018 error from that name and the PostgreSQL
 * error the adapter saw. Returns undefined if the error is not a failed migration script.
 */
export function migrationScriptFailure(error: unknown, scriptError: unknown): KnownEngineError | undefined {
  if (scriptError === undefined || !(error instanceof Error)) return undefined;
  const name = /apply_script\s*\n\s*with migration_name="([^"]+)"/.exec(error.message)?.[1];
  if (name === undefined) return undefined;
  const database = describeDatabaseError(scriptError);
  const lines = [
    'A migration failed to apply. New migrations cannot be applied before the error is recovered from. Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve',
    '',
    `Migration name: ${name}`,
    '',
  ];
  if (database.code !== undefined) lines.push(`Database error code: ${database.code}`, '');
  lines.push('Database error:', database.text, '');
  return new KnownEngineError('P3018', lines.join('\n'), {
    migration_name: name,
    database_error_code: database.code ?? '',
    database_error: database.text,
  });
}

/**
 * Errors thrown by the driver adapter factory itself (not by a query) reach the engine as
 * "External error id#N"; the original is kept in the bound factory's registry. Put its message back.
 */
export function resolveExternalErrors(error: unknown, registry: ErrorRegistry): unknown {
  if (!(error instanceof Error)) return error;
  let original: unknown;
  const message = error.message.replace(/External error id#(\d+)/g, (text, id: string) => {
    const record = registry.consumeError(Number(id));
    if (record === undefined) return text;
    original = record.error;
    return errorMessage(record.error);
  });
  if (original instanceof KnownEngineError) return original;
  if (message === error.message) return error;
  const resolved = new Error(message);
  if (isRecord(error)) Object.assign(resolved, { code: error.code, meta: error.meta });
  return resolved;
}
