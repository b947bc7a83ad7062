/** The test suite's environment reads (the lint rules allow process.env only in files named like this). */

const DEFAULT_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** A PostgreSQL server URL with superuser rights (DATABASE_URL if set), pointing at any database. */
export function adminDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  return url !== undefined && url !== '' ? url : DEFAULT_ADMIN_URL;
}

/** Variables that would change which engine the CLI runs or what it prints; never inherited. */
const CLEARED = [
  'PRISMA_ENGINE',
  'PRISMA_SCHEMA_ENGINE_BINARY',
  'PRISMA_MIGRATION_ENGINE_BINARY',
  'DEBUG',
  'DATABASE_URL',
  'FORCE_PANIC_SCHEMA_ENGINE',
];

/** The environment for a child process: this one's, minus engine settings, plus `overrides`. */
export function childEnvironment(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CLEARED) delete env[name];
  Object.assign(env, {
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    PRISMA_DISABLE_WARNINGS: '1',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    CI: '1',
  });
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** Runs `work` with process.env changed, restoring it afterwards. */
export function withProcessEnvironment<T>(changes: Record<string, string | undefined>, work: () => T): T {
  const saved = new Map(Object.keys(changes).map((name) => [name, process.env[name]]));
  try {
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    return work();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** The current value of a variable. */
export function environmentValue(name: string): string | undefined {
  return process.env[name];
}
