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

async function dropStaleTemplates(adminUrl: string, service: ServiceName, keep: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const stale = await client.query<{ datname: string }>(
      `select datname from pg_database where datname like $1 and datname <> $2`,
      [`tpl\\_${service}\\_%`, keep],
    );
    for (const { datname } of stale.rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
