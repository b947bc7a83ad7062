import { PrismaPg } from '@prisma/adapter-pg';
import {
  ColumnTypeEnum,
  type ConnectionInfo,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';

import { isSameDatabase, poolConfigFor, withDatabase, type PostgresTarget } from './connection-url';
import { isMissingDatabaseError, isUnreachableError, toDriverAdapterError } from './postgres-errors';
import { wipeDatabase, type ShadowDatabases } from './shadow';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const PG_CHAR_OID = 18;
/**
 * What oid 18 is relabelled to: above FIRST_NORMAL_OBJECT_ID, so @prisma/adapter-pg accepts it (as
 * text), and far above any real type's oid, so its parser below sees only "char" values.
 */
const CHAR_MARKER_OID = 4_294_967_000;

/** A value of a `"char"` column, marked so that BridgeAdapter can report its column as Character. */
class CharValue {
  constructor(readonly text: string) {}
}

type TypeId = Parameters<typeof pg.types.setTypeParser>[0];
pg.types.setTypeParser(CHAR_MARKER_OID as TypeId, 'text', (value: string) => new CharValue(value));

/**
 * A node-postgres client that gets PostgreSQL's internal `"char"` type (oid 18, used by catalog
 * columns such as pg_class.relkind or pg_constraint.contype) past @prisma/adapter-pg, which rejects
 * oid 18 ("Column type 'char' could not be deserialized"). The field is relabelled before the
 * client's own handler sees the row description, so its values get the CharValue parser.
 */
class CatalogFriendlyClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    // Registered before the client's own listener (added on connect), so it sees the message first.
    this.connection.on('rowDescription', (message: unknown) => {
      if (!isRecord(message) || !Array.isArray(message.fields)) return;
      for (const field of message.fields as unknown[]) {
        if (isRecord(field) && field.dataTypeID === PG_CHAR_OID) field.dataTypeID = CHAR_MARKER_OID;
      }
    });
  }
}

/** Reports the columns holding CharValues as Character (what the engine reads them as) with plain strings. */
function restoreCharColumns(result: SqlResultSet): SqlResultSet {
  for (const row of result.rows) {
    row.forEach((value, column) => {
      if (value instanceof CharValue) {
        row[column] = value.text;
        result.columnTypes[column] = ColumnTypeEnum.Character;
      }
    });
  }
  return result;
}

function createPool(target: PostgresTarget): pg.Pool {
  const pool = new pg.Pool({ ...poolConfigFor(target), Client: CatalogFriendlyClient });
  pool.on('error', () => undefined);
  return pool;
}

/** The answer to the engine's first query when no database can answer it (see BridgeAdapter). */
const OFFLINE_PROBE_RESULT: SqlResultSet = {
  columnNames: ['exists', 'version', 'numeric_version'],
  columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
  rows: [[true, 'PostgreSQL 15.0 (offline: no database connection)', 150000]],
};

interface BridgeAdapterOptions {
  /** Told about every failed script (the engine keeps only a summary of the database error). */
  onScriptError?: (error: unknown) => void;
  /** Answers the engine's connection probe when the database itself cannot (see queryRaw). */
  probeFallback?: (query: SqlQuery) => Promise<SqlResultSet>;
  /** Runs after the pool is closed (drops a shadow database). */
  afterDispose?: () => Promise<void>;
}

/**
 * @prisma/adapter-pg's adapter with the changes the schema engine needs:
 * - `executeScript` sends the whole script as ONE simple-protocol query. adapter-pg splits scripts on
 *   every `;`, which breaks `$$ … $$` bodies and `';'` literals and applies a failing migration
 *   half-way. As one query, PostgreSQL runs the script in one implicit transaction: all or nothing.
 * - the first query (the engine's connection probe, issued by `SchemaEngine.new`) may be answered by
 *   a fallback when the database does not exist or the server cannot be reached, because the WASM
 *   engine connects eagerly while the native one connects lazily: `migrate diff` between schema
 *   files must work without a database. Every later query goes to the real database and fails there.
 */
class BridgeAdapter implements SqlDriverAdapter {
  readonly provider = 'postgres' as const;
  readonly adapterName: string;
  private probed = false;

  constructor(
    private readonly inner: SqlDriverAdapter,
    private readonly pool: pg.Pool,
    private readonly options: BridgeAdapterOptions = {},
  ) {
    this.adapterName = inner.adapterName;
  }

  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    if (this.probed || this.options.probeFallback === undefined) {
      return restoreCharColumns(await this.inner.queryRaw(query));
    }
    this.probed = true;
    try {
      return restoreCharColumns(await this.inner.queryRaw(query));
    } catch (error) {
      if (isMissingDatabaseError(error) || isUnreachableError(error))
        return this.options.probeFallback(query);
      throw error;
    }
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.inner.executeRaw(query);
  }

  async executeScript(script: string): Promise<void> {
    try {
      await this.pool.query(script);
    } catch (error) {
      this.options.onScriptError?.(error);
      throw toDriverAdapterError(error);
    }
  }

  startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    return this.inner.startTransaction(isolationLevel);
  }

  getConnectionInfo(): ConnectionInfo {
    return this.inner.getConnectionInfo?.() ?? { supportsRelationJoins: true };
  }

  async dispose(): Promise<void> {
    try {
      await this.inner.dispose();
    } finally {
      await this.options.afterDispose?.();
    }
  }
}

async function openAdapter(
  target: PostgresTarget,
  options: BridgeAdapterOptions = {},
): Promise<BridgeAdapter> {
  const pool = createPool(target);
  const inner = await new PrismaPg(pool, { schema: target.schema, disposeExternalPool: true }).connect();
  return new BridgeAdapter(inner, pool, options);
}

/** Answers a probe query from the server's maintenance database, or offline if the server is down. */
async function probeElsewhere(main: PostgresTarget | undefined, query: SqlQuery): Promise<SqlResultSet> {
  if (main !== undefined) {
    for (const database of ['postgres', 'template1']) {
      if (database === main.database) continue;
      const fallback = await openAdapter(withDatabase(main, database));
      try {
        return await fallback.queryRaw(query);
      } catch (error) {
        if (!isMissingDatabaseError(error) && !isUnreachableError(error)) throw error;
        if (isUnreachableError(error)) break;
      } finally {
        await fallback.dispose().catch(() => undefined);
      }
    }
  }
  return OFFLINE_PROBE_RESULT;
}

export interface BridgeAdapterFactoryOptions {
  /** The main database (`datasource.url`); undefined when the config has no datasource. */
  main: PostgresTarget | undefined;
  /** `datasource.shadowDatabaseUrl`, if configured. */
  shadow: PostgresTarget | undefined;
  shadowDatabases: ShadowDatabases;
  log: (message: string) => void;
  onScriptError?: (error: unknown) => void;
}

/**
 * The driver adapter factory handed to the WASM schema engine. It owns the shadow database instead
 * of @prisma/adapter-pg, whose `connectToShadowDb` is unsafe (with a connection string it ran the
 * shadow migrations against the main database): a configured shadow database is wiped first, else a
 * uniquely named `prisma_migrate_shadow_db_*` database is created beside the main one and dropped
 * when the engine releases it.
 */
export class BridgeAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = '@prisma/adapter-pg';

  constructor(private readonly options: BridgeAdapterFactoryOptions) {}

  async connect(): Promise<SqlDriverAdapter> {
    const { main } = this.options;
    if (main === undefined) {
      // No datasource: only database-free work (diffs between schema files) can succeed.
      return {
        provider: 'postgres',
        adapterName: this.adapterName,
        queryRaw: () => Promise.resolve(OFFLINE_PROBE_RESULT),
        executeRaw: () => Promise.reject(noDatasourceError()),
        executeScript: () => Promise.reject(noDatasourceError()),
        startTransaction: () => Promise.reject(noDatasourceError()),
        dispose: () => Promise.resolve(),
      };
    }
    return openAdapter(main, {
      probeFallback: (query) => probeElsewhere(main, query),
      onScriptError: this.options.onScriptError,
    });
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const { main, shadow, shadowDatabases, log } = this.options;
    if (shadow !== undefined) {
      if (main !== undefined && isSameDatabase(main, shadow)) {
        throw new Error(
          'The shadow database you configured appears to be the same as the main database. Please specify another shadow database.',
        );
      }
      log(`wiping the configured shadow database ${shadow.database}`);
      await wipeDatabase(shadow);
      return openAdapter(shadow, { onScriptError: this.options.onScriptError });
    }
    if (main === undefined) throw noDatasourceError();
    const target = await shadowDatabases.create(main);
    log(`created shadow database ${target.database}`);
    try {
      return await openAdapter(target, {
        onScriptError: this.options.onScriptError,
        afterDispose: async () => {
          await shadowDatabases.drop(target.database);
          log(`dropped shadow database ${target.database}`);
        },
      });
    } catch (error) {
      await shadowDatabases.drop(target.database);
      throw error;
    }
  }
}

function noDatasourceError(): Error {
  return new Error('This command needs a database, but the Prisma config has no `datasource.url`.');
}
