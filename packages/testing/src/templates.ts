import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import {
  createServiceDatabase,
  databaseExists,
  dropDatabase,
  ensureServiceRoles,
  migrateDeploy,
  migrationsFingerprint,
  serviceDir,
  SERVICES,
  type ServiceName,
} from '@platform/infra';

function templateName(service: ServiceName): string {
  return `tpl_${service}_${migrationsFingerprint(service)}`;
}

function hasMigrations(service: ServiceName): boolean {
  return existsSync(path.join(serviceDir(service), 'prisma', 'migrations', 'migration_lock.toml'));
}

/**
 * For each service, a database migrated with `prisma migrate deploy` from the committed migrations.
 * Test files clone it (CREATE DATABASE … TEMPLATE), which takes a fraction of a second. A template is
 * named after its migrations' fingerprint, so it is reused across runs until the migrations change.
 */
export async function prepareTemplates(
  adminUrl: string,
  runId: string,
  log: (message: string) => void,
): Promise<Partial<Record<ServiceName, string>>> {
  const templates: Partial<Record<ServiceName, string>> = {};
  for (const service of SERVICES) {
    if (!hasMigrations(service)) continue;
    await ensureServiceRoles(adminUrl, service);
    const name = templateName(service);
    if (!(await databaseExists(adminUrl, name))) {
      // Built under a temporary name and renamed when complete, so a crashed or concurrent run
      // never leaves a half-migrated template behind under the real name.
      const building = `tplb_${service}_${runId}`;
      log(`migrating the ${service} test template (prisma migrate deploy)`);
      const urls = await createServiceDatabase(adminUrl, service, building);
      try {
        await migrateDeploy(service, urls.ownerUrl);
        await stampBuilt(adminUrl, building);
        await renameUnlessTaken(adminUrl, building, name);
      } finally {
        await dropDatabase(adminUrl, building);
      }
      await dropStaleTemplates(adminUrl, service, name);
    }
    templates[service] = name;
  }
  return templates;
}

async function renameUnlessTaken(adminUrl: string, from: string, to: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`ALTER DATABASE "${from}" RENAME TO "${to}"`);
  } catch (error) {
    // Another run built the same template meanwhile: theirs is as good as ours.
    if (!(error instanceof Error && /already exists/.test(error.message))) throw error;
  } finally {
    await client.end();
  }
}

/** Templates of other migrations younger than this are kept: another checkout may be testing with them. */
const STALE_AFTER_MS = 24 * 3600 * 1000;
const BUILT = /^built at (\d+)$/;

/** Notes when a template was built (its database comment), for `dropStaleTemplates`. */
async function stampBuilt(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`COMMENT ON DATABASE "${database}" IS 'built at ${Date.now()}'`);
  } finally {
    await client.end();
  }
}

/**
 * Drops the service's templates of other migrations once they are a day old. Younger ones (and those
 * without a build stamp) stay: two checkouts of the repository on one machine — a worktree beside the
 * main one — each test with their own migrations, and dropping the other's template would fail its run.
 */
async function dropStaleTemplates(adminUrl: string, service: ServiceName, keep: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const candidates = await client.query<{ datname: string; note: string | null }>(
      `select datname, shobj_description(oid, 'pg_database') as note from pg_database
        where datname like $1 and datname <> $2`,
      [`tpl\\_${service}\\_%`, keep],
    );
    const stale = candidates.rows.filter(({ note }) => {
      const built = BUILT.exec(note ?? '')?.[1];
      return built !== undefined && Date.now() - Number(built) > STALE_AFTER_MS;
    });
    for (const { datname } of stale) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
