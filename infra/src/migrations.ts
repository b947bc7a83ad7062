import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { childEnvironment } from './environment';
import { REPO_ROOT } from './postgres';
import { runCommand } from './process';
import type { ServiceName } from './services';

export function serviceDir(service: ServiceName): string {
  return path.join(REPO_ROOT, 'services', service);
}

function migrationsDir(service: ServiceName): string {
  return path.join(serviceDir(service), 'prisma', 'migrations');
}

/** A short hash of a service's committed migrations: a database migrated from them can be reused. */
export function migrationsFingerprint(service: ServiceName): string {
  const hash = createHash('sha256');
  const dir = migrationsDir(service);
  const walk = (current: string): void => {
    for (const entry of readdirSync(current).sort()) {
      const full = path.join(current, entry);
      if (statSync(full).isDirectory()) walk(full);
      else hash.update(path.relative(dir, full)).update('\0').update(readFileSync(full)).update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex').slice(0, 10);
}

/**
 * Applies a service's committed migrations with `prisma migrate deploy`, connected as the service's
 * owner role. The service's prisma.config.ts reads the URL from MIGRATE_DATABASE_URL and picks the
 * schema engine (native where present, the offline bridge otherwise).
 */
export async function migrateDeploy(service: ServiceName, ownerUrl: string): Promise<void> {
  const cwd = serviceDir(service);
  const prisma = path.join(cwd, 'node_modules', '.bin', 'prisma');
  const result = await runCommand(prisma, ['migrate', 'deploy'], {
    cwd,
    env: childEnvironment({ MIGRATE_DATABASE_URL: ownerUrl }),
  });
  if (result.code !== 0) {
    throw new Error(`prisma migrate deploy failed for ${service}:\n${result.stdout}${result.stderr}`);
  }
}
