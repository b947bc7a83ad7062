import { access } from 'node:fs/promises';
import path from 'node:path';

import { createDatabase, databaseUrl, query, ScratchDatabases, tableNames } from './support/database';
import { BASE_SCHEMA, POST_MODEL, TempProject, TEST_TIMEOUT } from './support/project';

const databases = new ScratchDatabases();
const projects: TempProject[] = [];

async function project(options: Parameters<typeof TempProject.create>[0]): Promise<TempProject> {
  const created = await TempProject.create(options);
  projects.push(created);
  return created;
}

afterAll(async () => {
  await Promise.all(projects.map((p) => p.remove()));
  await databases.dropAll();
});

test(
  'db push creates the database and its tables without migrations',
  async () => {
    const db = databases.name('push');
    const p = await project({ databaseUrl: databaseUrl(db), schema: BASE_SCHEMA + POST_MODEL });

    const result = await p.prisma(['db', 'push']);

    expect(result.output).toContain('Your database is now in sync with your Prisma schema.');
    expect(result.code).toBe(0);
    expect(await tableNames(db)).toEqual(['Post', 'User']);
    expect(await p.migrations()).toEqual([]);
  },
  TEST_TIMEOUT,
);

test(
  'generate writes the client',
  async () => {
    const p = await project({ databaseUrl: databaseUrl(databases.name('generate')) });

    const result = await p.prisma(['generate']);

    expect(result.output).toContain('Generated Prisma Client');
    expect(result.code).toBe(0);
    await expect(access(path.join(p.dir, 'generated', 'client.ts'))).resolves.toBeUndefined();
  },
  TEST_TIMEOUT,
);

test(
  'db pull --print introspects enums, check constraints and views (catalog "char" columns)',
  async () => {
    const db = databases.name('pull');
    await createDatabase(db);
    await query(
      db,
      `CREATE TYPE "Mood" AS ENUM ('HAPPY', 'SAD');
       CREATE TABLE "Person" (
         "id" SERIAL PRIMARY KEY,
         "mood" "Mood" NOT NULL DEFAULT 'HAPPY',
         "age" INTEGER CHECK ("age" >= 0)
       );
       CREATE VIEW "Adult" AS SELECT "id", "age" FROM "Person" WHERE "age" >= 18;`,
    );
    const p = await project({ databaseUrl: databaseUrl(db) });

    const result = await p.prisma(['db', 'pull', '--print']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/model Person \{[^}]*mood\s+Mood\s+@default\(HAPPY\)/);
    expect(result.stdout).toMatch(/enum Mood \{\s+HAPPY\s+SAD\s+\}/);
  },
  TEST_TIMEOUT,
);

test(
  '?schema= in the URL puts tables, migrations table and shadow work in that schema',
  async () => {
    const db = databases.name('schema');
    const p = await project({ databaseUrl: databaseUrl(db, '?schema=tenant_a') });

    const dev = await p.prisma(['migrate', 'dev', '--name', 'init']);
    expect(dev.output).toContain('schema "tenant_a"');
    expect(dev.code).toBe(0);
    expect(await tableNames(db, 'tenant_a')).toEqual(['User', '_prisma_migrations']);
    expect(await tableNames(db, 'public')).toEqual([]);

    await p.writeSchema(BASE_SCHEMA + POST_MODEL);
    const second = await p.prisma(['migrate', 'dev', '--name', 'posts']);
    expect(second.code).toBe(0);
    expect(await tableNames(db, 'tenant_a')).toEqual(['Post', 'User', '_prisma_migrations']);

    const status = await p.prisma(['migrate', 'status']);
    expect(status.output).toContain('Database schema is up to date!');
  },
  TEST_TIMEOUT,
);
