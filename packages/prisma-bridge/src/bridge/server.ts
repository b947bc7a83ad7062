import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

import { bindMigrationAwareSqlAdapterFactory, type ErrorRegistry } from '@prisma/driver-adapter-utils';
import type {
  ApplyMigrationsInput,
  CreateMigrationInput,
  DbExecuteParams,
  DevDiagnosticInput,
  DiagnoseMigrationHistoryInput,
  DiffParams,
  EnsureConnectionValidityParams,
  EvaluateDataLossInput,
  GetDatabaseVersionInput,
  IntrospectParams,
  IntrospectSqlParams,
  MarkMigrationAppliedInput,
  MarkMigrationRolledBackInput,
  ResetInput,
  SchemaPushInput,
} from '@prisma/schema-engine-wasm/schema_engine_bg';

import { BridgeAdapterFactory } from './adapter';
import type { DatasourceArgument } from './arguments';
import { parsePostgresUrl, type PostgresTarget } from './connection-url';
import { createDatabase } from './databases';
import {
  EnginePanic,
  isWasmPanic,
  migrationScriptFailure,
  resolveExternalErrors,
  toRpcError,
  type RpcError,
} from './errors';
import type { Logger } from './log';
import { ShadowDatabases } from './shadow';
import { loadWasmEngine, takePanicMessage, type SchemaEngine, type WasmBindings } from './wasm';

export interface ServerOptions {
  datamodels: string[];
  datasource: DatasourceArgument | undefined;
  input: Readable;
  output: Writable;
  logger: Logger;
}

type RequestId = number | string;

interface RpcRequest {
  id: RequestId;
  method: string;
  params: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The error the WASM engine reports when it wants a shadow database it has not set up yet. */
const SHADOW_FACTORY_MESSAGE = /shadow (db|database) must be provided through an external factory/i;

type Handler = (engine: SchemaEngine, params: unknown) => Promise<unknown>;

/** Methods forwarded as they are: CLI method name → WASM SchemaEngine call. */
const FORWARDED: Record<string, Handler> = {
  dbExecute: (engine, params) => engine.dbExecute(params as DbExecuteParams),
  devDiagnostic: (engine, params) => engine.devDiagnostic(params as DevDiagnosticInput),
  diagnoseMigrationHistory: (engine, params) =>
    engine.diagnoseMigrationHistory(params as DiagnoseMigrationHistoryInput),
  ensureConnectionValidity: (engine, params) =>
    engine.ensureConnectionValidity(params as EnsureConnectionValidityParams),
  getDatabaseVersion: (engine, params) => engine.version((params ?? null) as GetDatabaseVersionInput | null),
  introspect: (engine, params) => engine.introspect(params as IntrospectParams),
  introspectSql: (engine, params) => engine.introspectSql(params as IntrospectSqlParams),
  markMigrationApplied: (engine, params) => engine.markMigrationApplied(params as MarkMigrationAppliedInput),
  markMigrationRolledBack: (engine, params) =>
    engine.markMigrationRolledBack(params as MarkMigrationRolledBackInput),
  reset: (engine, params) => engine.reset(params as ResetInput),
  schemaPush: (engine, params) => engine.schemaPush(params as SchemaPushInput),
};

/**
 * The JSON-RPC 2.0 server the Prisma CLI talks to: one JSON object per line on stdin/stdout, requests
 * served one at a time. Every engine method is forwarded to the WASM SchemaEngine; `diff` output is
 * sent back through a `print` request (the only way it reaches the user); errors carry the Prisma
 * `error_code`; a panic is reported with `is_panic: true` and ends the process (exit code 101).
 */
export class EngineServer {
  private bindings: WasmBindings | undefined;
  private engine: SchemaEngine | undefined;
  private readonly shadowDatabases = new ShadowDatabases();
  private readonly main: PostgresTarget | undefined;
  private readonly shadow: PostgresTarget | undefined;
  private queue: Promise<void> = Promise.resolve();
  private currentRequest: RequestId | undefined;
  private nextOutgoingId = 1;
  private readonly pendingOutgoing = new Map<RequestId, () => void>();
  private finished = false;
  /** The last PostgreSQL error of a migration script (the engine keeps only a summary of it). */
  private lastScriptError: unknown;
  private errorRegistry: ErrorRegistry | undefined;
  private failCurrentRequest: ((error: unknown) => void) | undefined;
  private resolveExit: (code: number) => void = () => undefined;

  constructor(private readonly options: ServerOptions) {
    const { datasource } = options;
    this.main = datasource?.url !== undefined ? parsePostgresUrl(datasource.url) : undefined;
    this.shadow =
      datasource?.shadowDatabaseUrl !== undefined
        ? parsePostgresUrl(datasource.shadowDatabaseUrl)
        : undefined;
  }

  /** Serves until stdin closes (exit code 0), a signal arrives, or the engine panics (101). */
  run(): Promise<number> {
    const exit = new Promise<number>((resolve) => {
      this.resolveExit = resolve;
    });
    const lines = createInterface({ input: this.options.input, crlfDelay: Infinity });
    lines.on('line', (line) => this.onLine(line));
    lines.on('close', () => {
      // The CLI is gone: nobody will answer pending print requests.
      for (const resolve of this.pendingOutgoing.values()) resolve();
      this.pendingOutgoing.clear();
      void this.queue.then(() => this.finish(0));
    });
    const onUncaught = (error: unknown): void => this.onUncaught(error);
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
    process.once('SIGTERM', () => void this.finish(0));
    process.once('SIGINT', () => void this.finish(130));
    return exit;
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.options.logger.log('ERROR', `could not parse JSON-RPC message: ${line.slice(0, 200)}`);
      return;
    }
    if (!isRecord(message)) return;
    const id = message.id;
    if (typeof id !== 'number' && typeof id !== 'string') return;
    if (typeof message.method !== 'string') {
      // The CLI's answer to one of our `print` requests.
      this.pendingOutgoing.get(id)?.();
      this.pendingOutgoing.delete(id);
      return;
    }
    const request: RpcRequest = { id, method: message.method, params: message.params };
    this.queue = this.queue.then(() => this.serve(request));
  }

  private async serve(request: RpcRequest): Promise<void> {
    if (this.finished) return;
    this.currentRequest = request.id;
    // Settled by onUncaught: errors inside the engine's async work escape the method's promise.
    const escaped = new Promise<never>((_resolve, reject) => {
      this.failCurrentRequest = reject;
    });
    let failed = false;
    try {
      const result = await Promise.race([this.dispatch(request.method, request.params), escaped]);
      this.send({ jsonrpc: '2.0', id: request.id, result: result ?? null });
    } catch (error) {
      failed = true;
      if (isWasmPanic(error)) {
        await this.onPanic(error);
        return;
      }
      const resolved =
        this.errorRegistry !== undefined ? resolveExternalErrors(error, this.errorRegistry) : error;
      this.send({ jsonrpc: '2.0', id: request.id, error: toRpcError(resolved) });
    } finally {
      this.currentRequest = undefined;
      this.failCurrentRequest = undefined;
    }
    // A shadow database never outlives the request that needed it; after a failure the engine may
    // not have released it.
    if (failed || this.shadowDatabases.names.length > 0) await this.dropShadowDatabases();
  }

  private async dispatch(method: string, params: unknown): Promise<unknown> {
    switch (method) {
      case 'createDatabase':
        return { databaseName: await createDatabase(this.datasourceTarget(params)) };
      case 'debugPanic': {
        const engine = await this.getEngine();
        engine.debugPanic();
        throw new EnginePanic('debugPanic returned');
      }
      case 'diff':
        return this.diff(params as DiffParams);
      case 'applyMigrations':
        return this.applyMigrations(params as ApplyMigrationsInput);
      case 'evaluateDataLoss':
        return this.withShadowWarmUp(params, (engine) =>
          engine.evaluateDataLoss(params as EvaluateDataLossInput),
        );
      case 'createMigration':
        return this.withShadowWarmUp(params, (engine) =>
          engine.createMigration(params as CreateMigrationInput),
        );
      default: {
        const handler = FORWARDED[method];
        if (handler === undefined) {
          throw new Error(`The schema engine bridge does not implement the \`${method}\` method.`);
        }
        return handler(await this.getEngine(), params);
      }
    }
  }

  /** `diff` returns its output; the CLI only shows what arrives through a `print` request. */
  private async diff(params: DiffParams): Promise<unknown> {
    const engine = await this.getEngine();
    const result = await engine.diff(params);
    if (typeof result.stdout === 'string') await this.print(result.stdout);
    return { exitCode: result.exitCode };
  }

  /** A failed migration script is reported as P3018 with the migration's name and database error. */
  private async applyMigrations(params: ApplyMigrationsInput): Promise<unknown> {
    const engine = await this.getEngine();
    this.lastScriptError = undefined;
    try {
      return await engine.applyMigrations(params);
    } catch (error) {
      throw migrationScriptFailure(error, this.lastScriptError) ?? error;
    }
  }

  /**
   * After `migrate dev` applied pending migrations, the engine may answer evaluateDataLoss /
   * createMigration with "shadow DB must be provided through an external factory". A
   * diagnoseMigrationHistory call that opts into the shadow database sets it up; then retry once.
   */
  private async withShadowWarmUp(
    params: unknown,
    call: (engine: SchemaEngine) => Promise<unknown>,
  ): Promise<unknown> {
    const engine = await this.getEngine();
    try {
      return await call(engine);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!SHADOW_FACTORY_MESSAGE.test(message) || !isRecord(params)) throw error;
      this.options.logger.info('warming up the shadow database setup, then retrying');
      await engine.diagnoseMigrationHistory({
        migrationsList: params.migrationsList,
        optInToShadowDatabase: true,
        filters: params.filters,
      } as DiagnoseMigrationHistoryInput);
      return call(engine);
    }
  }

  private datasourceTarget(params: unknown): PostgresTarget {
    if (isRecord(params) && isRecord(params.datasource) && typeof params.datasource.url === 'string') {
      return parsePostgresUrl(params.datasource.url);
    }
    if (this.main === undefined) throw new Error('No datasource URL was given.');
    return this.main;
  }

  private async getBindings(): Promise<WasmBindings> {
    this.bindings ??= await loadWasmEngine();
    return this.bindings;
  }

  private async getEngine(): Promise<SchemaEngine> {
    if (this.engine !== undefined) return this.engine;
    const bindings = await this.getBindings();
    const datamodels =
      this.options.datamodels.length > 0
        ? await Promise.all(
            this.options.datamodels.map(async (file): Promise<[string, string]> => [
              file,
              await readFile(file, 'utf8'),
            ]),
          )
        : undefined; // never [] — the engine panics on an empty list
    const factory = new BridgeAdapterFactory({
      main: this.main,
      shadow: this.shadow,
      shadowDatabases: this.shadowDatabases,
      log: (message) => this.options.logger.info(message),
      onScriptError: (error) => {
        this.lastScriptError = error;
      },
    });
    const logger = this.options.logger;
    const boundFactory = bindMigrationAwareSqlAdapterFactory(factory);
    this.errorRegistry = boundFactory.errorRegistry;
    this.engine = await bindings.SchemaEngine.new(
      { datamodels },
      (line: unknown) => logger.write(typeof line === 'string' ? line : JSON.stringify(line)),
      boundFactory,
    );
    return this.engine;
  }

  private send(message: Record<string, unknown>): void {
    this.options.output.write(`${JSON.stringify(message)}\n`);
  }

  /** Sends a `print` request and waits for the CLI's acknowledgement. */
  private print(content: string): Promise<void> {
    const id = `print-${this.nextOutgoingId++}`;
    return new Promise<void>((resolve) => {
      this.pendingOutgoing.set(id, resolve);
      this.send({ jsonrpc: '2.0', id, method: 'print', params: { content } });
    });
  }

  private async dropShadowDatabases(): Promise<void> {
    for (const error of await this.shadowDatabases.dropAll()) {
      this.options.logger.log('WARN', `could not drop a shadow database: ${String(error)}`);
    }
  }

  /**
   * An exception nobody caught: a Rust panic inside async engine work (a WebAssembly trap), or an
   * ordinary error thrown there (e.g. invalid request parameters), which fails the request in flight.
   */
  private onUncaught(error: unknown): void {
    if (isWasmPanic(error)) {
      void this.onPanic(error);
    } else if (this.failCurrentRequest !== undefined) {
      // The engine instance was left mid-call (its Rust state stays borrowed): start a new one next time.
      this.engine = undefined;
      this.failCurrentRequest(error);
    } else {
      this.options.logger.log(
        'ERROR',
        `uncaught error: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** A Rust panic: answer the request in flight, clean up, exit 101 (the WASM instance is dead). */
  private async onPanic(error: unknown): Promise<void> {
    if (this.finished) return;
    const rpcError: RpcError = toRpcError(
      isWasmPanic(error) ? error : new EnginePanic(error instanceof Error ? error.message : String(error)),
      takePanicMessage(),
    );
    this.options.logger.log('ERROR', rpcError.data.message, { is_panic: true }, 'schema_engine::logger');
    if (this.currentRequest !== undefined) {
      this.send({ jsonrpc: '2.0', id: this.currentRequest, error: rpcError });
      this.currentRequest = undefined;
    }
    await this.finish(101);
  }

  private async finish(code: number): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.dropShadowDatabases();
    this.resolveExit(code);
  }
}
