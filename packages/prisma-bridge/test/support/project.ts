import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { childEnvironment } from './environment';

export const PACKAGE_DIR = path.resolve(__dirname, '..', '..');
export const BRIDGE = path.join(PACKAGE_DIR, 'bin', 'schema-engine');
export const PRISMA_CLI = path.join(PACKAGE_DIR, 'node_modules', '.bin', 'prisma');
const PRISMA_CONFIG_MODULE = require.resolve('prisma/config', { paths: [PACKAGE_DIR] });
const INDEX_MODULE = path.join(PACKAGE_DIR, 'src', 'index.ts');

/** Generous: one CLI call takes 1–4 s; a test runs a few. */
export const TEST_TIMEOUT = 120_000;
const COMMAND_TIMEOUT = 90_000;

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout + stderr, for assertions on what the user sees. */
  output: string;
}

export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; input?: string },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
    });
    child.stdin.end(options.input ?? '');
  });
}

export const BASE_SCHEMA = `generator client {
  provider = "prisma-client"
  output   = "../generated"
}

datasource db {
  provider = "postgresql"
}

model User {
  id    Int     @id @default(autoincrement())
  email String  @unique
  name  String?
  role  Role    @default(MEMBER)
}

enum Role {
  MEMBER
  ADMIN
}
`;

/** The SQL of BASE_SCHEMA, as `migrate dev` would write it (for hand-made migration folders). */
export const BASE_SCHEMA_SQL = `CREATE TYPE "Role" AS ENUM ('MEMBER', 'ADMIN');

CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "role" "Role" NOT NULL DEFAULT 'MEMBER',

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
`;

export const POST_MODEL = `
model Post {
  id     Int    @id @default(autoincrement())
  title  String
  status String @default("draft")

  @@index([title])
}
`;

export interface ProjectOptions {
  schema?: string;
  /** datasource.url; omitted from the config when undefined. */
  databaseUrl?: string;
  shadowDatabaseUrl?: string;
  /** Hand-written migrations: folder name → SQL. */
  migrations?: Record<string, string>;
  /** Use `platformPrismaConfig` from this package (engine chosen by the config) instead of `defineConfig`. */
  platformConfig?: boolean;
}

/** A throw-away Prisma project in a temporary folder: prisma.config.ts, prisma/schema.prisma, migrations. */
export class TempProject {
  private constructor(readonly dir: string) {}

  static async create(options: ProjectOptions = {}): Promise<TempProject> {
    const dir = await mkdtemp(path.join(tmpdir(), 'prisma-bridge-test-'));
    const project = new TempProject(dir);
    await mkdir(path.join(dir, 'prisma'), { recursive: true });
    await project.writeSchema(options.schema ?? BASE_SCHEMA);
    for (const [name, sql] of Object.entries(options.migrations ?? {})) await project.addMigration(name, sql);
    await writeFile(path.join(dir, 'prisma.config.ts'), configSource(options));
    return project;
  }

  get migrationsDir(): string {
    return path.join(this.dir, 'prisma', 'migrations');
  }

  async writeSchema(schema: string): Promise<void> {
    await writeFile(path.join(this.dir, 'prisma', 'schema.prisma'), schema);
  }

  async addMigration(name: string, sql: string): Promise<void> {
    await mkdir(path.join(this.migrationsDir, name), { recursive: true });
    await writeFile(path.join(this.migrationsDir, name, 'migration.sql'), sql);
  }

  /** Migration folder names, sorted. */
  async migrations(): Promise<string[]> {
    try {
      const entries = await readdir(this.migrationsDir, { withFileTypes: true });
      return entries
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort();
    } catch {
      return [];
    }
  }

  async migrationSql(name: string): Promise<string> {
    return readFile(path.join(this.migrationsDir, name, 'migration.sql'), 'utf8');
  }

  /**
   * Runs the real Prisma CLI in the project. By default the bridge is the engine (through
   * PRISMA_SCHEMA_ENGINE_BINARY); `env` adds or removes (undefined) variables.
   */
  prisma(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
    return run(PRISMA_CLI, args, {
      cwd: this.dir,
      env: childEnvironment({ PRISMA_SCHEMA_ENGINE_BINARY: BRIDGE, ...env }),
    });
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

function configSource(options: ProjectOptions): string {
  const datasource: Record<string, string> = {};
  if (options.databaseUrl !== undefined) datasource.url = options.databaseUrl;
  if (options.shadowDatabaseUrl !== undefined) datasource.shadowDatabaseUrl = options.shadowDatabaseUrl;
  if (options.platformConfig === true) {
    return `import { platformPrismaConfig } from ${JSON.stringify(INDEX_MODULE)};

export default platformPrismaConfig({
  serviceDir: __dirname,
  databaseUrl: ${JSON.stringify(options.databaseUrl)},
  shadowDatabaseUrl: ${JSON.stringify(options.shadowDatabaseUrl)},
});
`;
  }
  return `import { defineConfig } from ${JSON.stringify(PRISMA_CONFIG_MODULE)};

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  ${options.databaseUrl !== undefined ? `datasource: ${JSON.stringify(datasource)},` : ''}
});
`;
}

/** `created shadow database <name>` lines the bridge logs (visible with DEBUG=prisma:schemaEngine:stderr). */
export function shadowDatabasesCreated(output: string): string[] {
  return [
    ...new Set(
      [...output.matchAll(/created shadow database (prisma_migrate_shadow_db_[0-9a-f_]+)/g)].map(
        (m) => m[1] ?? '',
      ),
    ),
  ];
}

/** Runs the bridge executable directly. */
export function runBridge(args: readonly string[], input = ''): Promise<RunResult> {
  return run(BRIDGE, args, { cwd: PACKAGE_DIR, env: childEnvironment({}), input });
}
