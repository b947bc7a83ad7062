import { parseArguments, UsageError } from '../src/bridge/arguments';
import { isSameDatabase, parsePostgresUrl, poolConfigFor, withDatabase } from '../src/bridge/connection-url';
import {
  cleanEngineMessage,
  EnginePanic,
  migrationScriptFailure,
  resolveExternalErrors,
  toRpcError,
} from '../src/bridge/errors';
import { KnownEngineError } from '../src/bridge/postgres-errors';

const SPAN_TRACE_ERROR = `external connector error
No such table: DoesNotExist
   0: sql_schema_connector::apply_migration::apply_script
           with migration_name="20000102000000_broken"
             at schema-engine/connectors/sql-schema-connector/src/apply_migration.rs:113
   1: schema_commands::commands::apply_migrations::Applying migration
           with migration_name="20000102000000_broken"
             at schema-engine/commands/src/commands/apply_migrations.rs:95`;

describe('parseArguments', () => {
  test('server mode, as the CLI starts it', () => {
    expect(
      parseArguments([
        '--datamodels',
        '/p/a.prisma',
        '--datamodels',
        '/p/b.prisma',
        '--datasource',
        '{"url":"postgresql://h/db","shadowDatabaseUrl":"postgresql://h/s"}',
        '--enabled-preview-features',
        'views,relationJoins',
      ]),
    ).toEqual({
      kind: 'server',
      datamodels: ['/p/a.prisma', '/p/b.prisma'],
      datasource: { url: 'postgresql://h/db', shadowDatabaseUrl: 'postgresql://h/s' },
      previewFeatures: ['views', 'relationJoins'],
      extensionTypes: undefined,
    });
  });

  test('one-shot commands and --version', () => {
    expect(parseArguments(['--datasource', '{"url":"postgresql://h/db"}', 'cli', 'create-database'])).toEqual(
      {
        kind: 'cli',
        command: 'create-database',
        datasource: { url: 'postgresql://h/db' },
      },
    );
    expect(parseArguments(['--version'])).toEqual({ kind: 'version' });
    expect(() => parseArguments(['--bogus'])).toThrow(UsageError);
    expect(() => parseArguments(['--datasource', 'not json'])).toThrow(UsageError);
  });
});

describe('connection URLs', () => {
  test('?schema= becomes the search_path and stays away from node-postgres', () => {
    const target = parsePostgresUrl(
      'postgresql://app:pw@db.internal:6543/crm?schema=Tenant%20A&sslmode=disable',
    );
    expect(target).toMatchObject({ host: 'db.internal', port: 6543, database: 'crm', schema: 'Tenant A' });
    expect(target.connectionString).toBe('postgresql://app:pw@db.internal:6543/crm?sslmode=disable');
    expect(poolConfigFor(target).options).toBe('-c search_path="Tenant\\ A"');
    expect(poolConfigFor(target, false).options).toBeUndefined();
    expect(poolConfigFor(parsePostgresUrl('postgresql://h/db')).options).toBeUndefined();
  });

  test('another database on the same server', () => {
    const main = parsePostgresUrl('postgresql://u@h:5432/main?schema=s');
    const shadow = withDatabase(main, 'prisma_migrate_shadow_db_1');
    expect(shadow.database).toBe('prisma_migrate_shadow_db_1');
    expect(shadow.schema).toBe('s');
    expect(shadow.connectionString).toBe('postgresql://u@h:5432/prisma_migrate_shadow_db_1');
    expect(isSameDatabase(main, shadow)).toBe(false);
    expect(isSameDatabase(main, parsePostgresUrl('postgresql://other@h:5432/main'))).toBe(true);
  });

  test('only PostgreSQL URLs', () => {
    expect(() => parsePostgresUrl('mysql://h/db')).toThrow('only supports PostgreSQL');
  });
});

describe('error texts', () => {
  test('the Rust span trace is dropped, the message kept', () => {
    expect(cleanEngineMessage(SPAN_TRACE_ERROR)).toBe(
      'external connector error\nNo such table: DoesNotExist',
    );
    expect(cleanEngineMessage('plain message\nsecond line')).toBe('plain message\nsecond line');
  });

  test('a failed migration script becomes P3018 with the name and the PostgreSQL error', () => {
    const pgError = Object.assign(new Error('relation "DoesNotExist" does not exist'), {
      code: '42P01',
      severity: 'ERROR',
    });
    const failure = migrationScriptFailure(new Error(SPAN_TRACE_ERROR), pgError);
    expect(failure).toBeInstanceOf(KnownEngineError);
    expect(failure?.errorCode).toBe('P3018');
    expect(failure?.message).toContain('Migration name: 20000102000000_broken');
    expect(failure?.message).toContain('Database error code: 42P01');
    expect(failure?.message).toContain('ERROR: relation "DoesNotExist" does not exist');
    expect(migrationScriptFailure(new Error('something else'), pgError)).toBeUndefined();
  });

  test('engine errors keep their Prisma code; panics are flagged', () => {
    const coded = Object.assign(new Error('Schema parsing failed'), { code: 'P1012' });
    expect(toRpcError(coded).data).toEqual({
      is_panic: false,
      message: 'Schema parsing failed',
      meta: {},
      error_code: 'P1012',
    });
    expect(toRpcError(new Error(SPAN_TRACE_ERROR)).data.message).toBe(
      'external connector error\nNo such table: DoesNotExist',
    );
    const panic = toRpcError(new EnginePanic('RuntimeError: unreachable'), 'panicked at engine.rs:1:1');
    expect(panic.message).toBe('panicked at engine.rs:1:1');
    expect(panic.data).toMatchObject({ is_panic: true, message: 'panicked at engine.rs:1:1' });
  });

  test('"External error id#N" is replaced by the adapter error it stands for', () => {
    const original = new Error('could not create the shadow database');
    const registry = { consumeError: (id: number) => (id === 3 ? { error: original } : undefined) };
    const resolved = resolveExternalErrors(new Error('Failed to connect\nExternal error id#3'), registry);
    expect(resolved).toBeInstanceOf(Error);
    expect(resolved instanceof Error ? resolved.message : '').toBe(
      'Failed to connect\ncould not create the shadow database',
    );
  });
});
