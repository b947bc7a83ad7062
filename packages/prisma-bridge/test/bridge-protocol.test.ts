import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { databaseExists, databaseUrl, ScratchDatabases } from './support/database';
import { childEnvironment } from './support/environment';
import { BASE_SCHEMA, BRIDGE, PACKAGE_DIR, runBridge, TempProject, TEST_TIMEOUT } from './support/project';

const databases = new ScratchDatabases();
const projects: TempProject[] = [];

afterAll(async () => {
  await Promise.all(projects.map((p) => p.remove()));
  await databases.dropAll();
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The JSON lines of an output, parsed. */
function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line): unknown => JSON.parse(line))
    .filter(isRecord);
}

/** What the Prisma CLI reads from a failed one-shot command: stderr without its first line. */
function cliErrorFields(stderr: string): Record<string, unknown> | undefined {
  const [, ...rest] = stderr.replace(/\n$/, '').split(/\r?\n/);
  const entries = rest.map((line): unknown => JSON.parse(line)).filter(isRecord);
  const error = entries.find((entry) => entry.level === 'ERROR' && entry.target === 'schema_engine::logger');
  return isRecord(error?.fields) ? error.fields : undefined;
}

function request(id: number, method: string, params?: unknown): string {
  return `${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`;
}

describe('the bridge executable', () => {
  test('--version prints the engine version line the CLI expects', async () => {
    const result = await runBridge(['--version']);
    const wasmPackage = JSON.parse(
      await readFile(
        path.join(
          path.dirname(require.resolve('@prisma/schema-engine-wasm', { paths: [PACKAGE_DIR] })),
          'package.json',
        ),
        'utf8',
      ),
    ) as { version: string };

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^schema-engine-cli [0-9a-f]{40}\n$/);
    expect(wasmPackage.version.endsWith(result.stdout.trim().split(' ')[1] ?? '')).toBe(true);
  });

  test(
    'cli can-connect-to-database reports P1003 for a missing database, create-database creates it',
    async () => {
      const db = databases.name('oneshot');
      const datasource = JSON.stringify({ url: databaseUrl(db) });

      const missing = await runBridge(['--datasource', datasource, 'cli', 'can-connect-to-database']);
      expect(missing.code).not.toBe(0);
      const fields = cliErrorFields(missing.stderr);
      expect(fields?.error_code).toBe('P1003');
      expect(fields?.message).toBe(
        `Database \`${db}\` does not exist on the database server at \`127.0.0.1:5432\`.`,
      );

      const created = await runBridge(['--datasource', datasource, 'cli', 'create-database']);
      expect(created.code).toBe(0);
      expect(await databaseExists(db)).toBe(true);

      const again = await runBridge(['--datasource', datasource, 'cli', 'create-database']);
      expect(cliErrorFields(again.stderr)?.error_code).toBe('P1009');

      const connected = await runBridge(['--datasource', datasource, 'cli', 'can-connect-to-database']);
      expect(connected.code).toBe(0);

      const dropped = await runBridge(['--datasource', datasource, 'cli', 'drop-database']);
      expect(dropped.code).toBe(0);
      expect(await databaseExists(db)).toBe(false);
    },
    TEST_TIMEOUT,
  );

  test(
    'cli can-connect-to-database reports P1001 for an unreachable server',
    async () => {
      const datasource = JSON.stringify({ url: 'postgresql://postgres@127.0.0.1:1/nowhere' });
      const result = await runBridge(['--datasource', datasource, 'cli', 'can-connect-to-database']);
      expect(result.code).not.toBe(0);
      expect(cliErrorFields(result.stderr)?.error_code).toBe('P1001');
    },
    TEST_TIMEOUT,
  );

  test(
    'server mode: diff output comes as a print request, errors carry their codes, the server survives them',
    async () => {
      // No database: the datasource's database does not exist.
      const datasource = JSON.stringify({ url: databaseUrl(databases.name('nodb')) });
      const child = spawn(BRIDGE, ['--datasource', datasource], { env: childEnvironment({}) });
      const messages: Record<string, unknown>[] = [];
      const waiters: (() => void)[] = [];
      createInterface({ input: child.stdout }).on('line', (line) => {
        const message: unknown = JSON.parse(line);
        if (!isRecord(message)) return;
        messages.push(message);
        // Answer print requests the way the CLI does.
        if (message.method === 'print') {
          child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: message.id, result: {} })}\n`);
        }
        waiters.splice(0).forEach((wake) => wake());
      });
      const response = async (id: number): Promise<Record<string, unknown>> => {
        for (;;) {
          const found = messages.find((message) => message.id === id && message.method === undefined);
          if (found !== undefined) return found;
          await new Promise<void>((wake) => waiters.push(wake));
        }
      };
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      const filters = { externalTables: [], externalEnums: [] };

      child.stdin.write(
        request(1, 'diff', {
          from: { tag: 'empty' },
          to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: BASE_SCHEMA }] },
          script: true,
          exitCode: null,
          filters,
        }),
      );
      expect((await response(1)).result).toEqual({ exitCode: 0 });
      const print = messages.find((message) => message.method === 'print');
      const content = isRecord(print?.params) ? String(print.params.content) : '';
      expect(content).toContain('CREATE TABLE "User"');
      expect(content).toContain(`CREATE TYPE "Role" AS ENUM ('MEMBER', 'ADMIN');`);

      child.stdin.write(
        request(2, 'diff', {
          from: { tag: 'empty' },
          to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: 'model {' }] },
          script: true,
          exitCode: null,
          filters,
        }),
      );
      const invalid = (await response(2)).error;
      expect(isRecord(invalid) && isRecord(invalid.data) ? invalid.data.error_code : undefined).toBe('P1012');

      child.stdin.write(request(3, 'noSuchMethod', {}));
      const unknown = (await response(3)).error;
      expect(isRecord(unknown) && isRecord(unknown.data) ? unknown.data.message : undefined).toContain(
        'noSuchMethod',
      );

      // Invalid parameters fail inside the engine's async work: an error, not a panic, and the
      // bridge keeps serving (with a fresh engine instance).
      child.stdin.write(request(4, 'getDatabaseVersion', {}));
      const escaped = (await response(4)).error;
      expect(isRecord(escaped) && isRecord(escaped.data) ? escaped.data : {}).toMatchObject({
        is_panic: false,
        message: expect.stringContaining('missing field `datasource`') as unknown,
      });
      child.stdin.write(
        request(5, 'diff', {
          from: { tag: 'empty' },
          to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: BASE_SCHEMA }] },
          script: false,
          exitCode: true,
          filters,
        }),
      );
      expect((await response(5)).result).toEqual({ exitCode: 2 });

      child.stdin.end();
      expect(await exited).toBe(0);
    },
    TEST_TIMEOUT,
  );

  test(
    'server mode: a panic is reported with is_panic and ends the process with exit code 101',
    async () => {
      const result = await runBridge(
        ['--datasource', JSON.stringify({ url: databaseUrl('postgres') })],
        request(1, 'debugPanic') + request(2, 'getDatabaseVersion', {}),
      );

      expect(result.code).toBe(101);
      const [response, ...others] = jsonLines(result.stdout);
      expect(others).toEqual([]);
      expect(response?.id).toBe(1);
      const error = response?.error;
      const data = isRecord(error) && isRecord(error.data) ? error.data : {};
      expect(data.is_panic).toBe(true);
      expect(data.message).toContain('This is the debugPanic artificial panic');
    },
    TEST_TIMEOUT,
  );
});

describe('through the Prisma CLI', () => {
  test(
    'prisma version resolves the schema engine to the bridge',
    async () => {
      const p = await TempProject.create({});
      projects.push(p);

      const result = await p.prisma(['version']);

      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        /Schema Engine\s+: schema-engine-cli [0-9a-f]{40} \(at .*bin\/schema-engine, resolved by PRISMA_SCHEMA_ENGINE_BINARY\)/,
      );
    },
    TEST_TIMEOUT,
  );

  test(
    'migrate diff --from-empty --to-schema --script prints SQL without a database',
    async () => {
      const db = databases.name('diff');
      const withMissingDatabase = await TempProject.create({ databaseUrl: databaseUrl(db) });
      const withoutDatasource = await TempProject.create({});
      const unreachable = await TempProject.create({
        databaseUrl: 'postgresql://postgres@127.0.0.1:1/nowhere',
      });
      projects.push(withMissingDatabase, withoutDatasource, unreachable);

      for (const p of [withMissingDatabase, withoutDatasource, unreachable]) {
        const result = await p.prisma([
          'migrate',
          'diff',
          '--from-empty',
          '--to-schema',
          'prisma/schema.prisma',
          '--script',
        ]);
        expect(result.code).toBe(0);
        expect(result.stdout).toContain(`CREATE TYPE "Role" AS ENUM ('MEMBER', 'ADMIN');`);
        expect(result.stdout).toContain('CREATE TABLE "User"');
        expect(result.stdout).toContain('CREATE UNIQUE INDEX "User_email_key" ON "User"("email");');
      }
      expect(await databaseExists(db)).toBe(false);
    },
    TEST_TIMEOUT,
  );

  test(
    'migrate diff against the config datasource still fails for a database that does not exist',
    async () => {
      const db = databases.name('diffdb');
      const p = await TempProject.create({ databaseUrl: databaseUrl(db) });
      projects.push(p);

      const result = await p.prisma([
        'migrate',
        'diff',
        '--from-config-datasource',
        '--to-schema',
        'prisma/schema.prisma',
        '--script',
      ]);

      expect(result.code).not.toBe(0);
      expect(result.output).toContain(`Database \`${db}\` does not exist`);
      expect(result.stdout).not.toContain('CREATE TABLE');
    },
    TEST_TIMEOUT,
  );
});
