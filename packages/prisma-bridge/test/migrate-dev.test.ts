import {
  createDatabase,
  databaseUrl,
  existingDatabases,
  query,
  ScratchDatabases,
  tableNames,
} from './support/database';
import {
  BASE_SCHEMA,
  BASE_SCHEMA_SQL,
  POST_MODEL,
  shadowDatabasesCreated,
  TempProject,
  TEST_TIMEOUT,
} from './support/project';

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

/** Shows the bridge's own log lines (shadow database names) in the CLI's stderr. */
const SHOW_ENGINE_LOG = { DEBUG: 'prisma:schemaEngine:stderr' };

test(
  'migrate dev creates the initial migration, then a second one after a schema change',
  async () => {
    const db = databases.name('dev');
    const p = await project({ databaseUrl: databaseUrl(db) });

    const first = await p.prisma(['migrate', 'dev', '--name', 'init']);
    expect(first.output).toContain('Your database is now in sync with your schema.');
    expect(first.code).toBe(0);
    const [init, ...others] = await p.migrations();
    expect(others).toEqual([]);
    expect(init).toMatch(/^\d{14}_init$/);
    expect(await p.migrationSql(init ?? '')).toContain('CREATE TABLE "User"');
    expect(await tableNames(db)).toEqual(['User', '_prisma_migrations']);

    await p.writeSchema(BASE_SCHEMA + POST_MODEL);
    const second = await p.prisma(['migrate', 'dev', '--name', 'posts']);
    expect(second.output).toContain('Your database is now in sync with your schema.');
    expect(second.code).toBe(0);
    const migrations = await p.migrations();
    expect(migrations).toHaveLength(2);
    const posts = migrations[1] ?? '';
    expect(posts).toMatch(/^\d{14}_posts$/);
    const sql = await p.migrationSql(posts);
    expect(sql).toContain('CREATE TABLE "Post"');
    expect(sql).not.toContain('CREATE TABLE "User"');
    expect(await tableNames(db)).toEqual(['Post', 'User', '_prisma_migrations']);
  },
  TEST_TIMEOUT,
);

test(
  'migrate dev applies a pending migration and then creates a new one',
  async () => {
    // After applying pending migrations the WASM engine asks for a shadow database it has not set up
    // ("shadow DB must be provided through an external factory"); the bridge warms it up and retries.
    const db = databases.name('pending');
    const p = await project({
      databaseUrl: databaseUrl(db),
      migrations: { '20000101000000_init': BASE_SCHEMA_SQL },
    });
    expect((await p.prisma(['migrate', 'deploy'])).code).toBe(0);
    // Pending: written by hand (as if pulled from git); the schema has it plus one more column.
    await p.addMigration(
      '20000102000000_tag',
      'CREATE TABLE "Tag" ("id" SERIAL NOT NULL, "label" TEXT NOT NULL, CONSTRAINT "Tag_pkey" PRIMARY KEY ("id"));\n',
    );
    await p.writeSchema(
      `${BASE_SCHEMA}
model Tag {
  id    Int     @id @default(autoincrement())
  label String
  color String?
}
`,
    );

    const result = await p.prisma(['migrate', 'dev', '--name', 'color']);

    expect(result.output).toContain('Your database is now in sync with your schema.');
    expect(result.code).toBe(0);
    const migrations = await p.migrations();
    expect(migrations).toHaveLength(3);
    const color = migrations.find((name) => name.endsWith('_color')) ?? '';
    expect(await p.migrationSql(color)).toContain('ADD COLUMN     "color" TEXT');
    const applied = await query(db, 'SELECT 1 FROM _prisma_migrations WHERE finished_at IS NOT NULL');
    expect(applied).toHaveLength(3);
  },
  TEST_TIMEOUT,
);

test(
  'the shadow database is a separate, temporary database: the main database keeps its data',
  async () => {
    const db = databases.name('shadow');
    const p = await project({ databaseUrl: databaseUrl(db) });
    expect((await p.prisma(['migrate', 'dev', '--name', 'init'])).code).toBe(0);
    await query(db, `INSERT INTO "User" ("email", "name") VALUES ('sentinel@example.com', 'sentinel')`);

    await p.writeSchema(BASE_SCHEMA + POST_MODEL);
    const result = await p.prisma(['migrate', 'dev', '--name', 'posts'], SHOW_ENGINE_LOG);

    expect(result.code).toBe(0);
    const shadows = shadowDatabasesCreated(result.stderr);
    expect(shadows.length).toBeGreaterThan(0);
    expect(shadows).not.toContain(db);
    expect(await existingDatabases(shadows)).toEqual([]);
    expect(await query(db, 'SELECT email, name FROM "User"')).toEqual([
      { email: 'sentinel@example.com', name: 'sentinel' },
    ]);
    expect(await query(db, 'SELECT 1 FROM _prisma_migrations')).toHaveLength(2);
  },
  TEST_TIMEOUT,
);

test(
  'a command failing on the shadow database reports it and leaves no shadow database behind',
  async () => {
    const db = databases.name('shadowfail');
    const p = await project({ databaseUrl: databaseUrl(db) });
    expect((await p.prisma(['migrate', 'dev', '--name', 'init'])).code).toBe(0);
    await p.addMigration('99990101000000_broken', 'CREATE TABLE "Broken" ("id" INTEGER);\nSELEC 1;\n');

    const result = await p.prisma(['migrate', 'dev', '--name', 'next'], SHOW_ENGINE_LOG);

    expect(result.code).not.toBe(0);
    expect(result.output).toContain('P3006');
    expect(result.output).toContain(
      'Migration `99990101000000_broken` failed to apply cleanly to the shadow database.',
    );
    expect(result.output).toContain('syntax error at or near "SELEC"');
    const shadows = shadowDatabasesCreated(result.stderr);
    expect(shadows.length).toBeGreaterThan(0);
    expect(await existingDatabases(shadows)).toEqual([]);
    expect(await tableNames(db)).toEqual(['User', '_prisma_migrations']);
  },
  TEST_TIMEOUT,
);

test(
  'a configured shadowDatabaseUrl is wiped before use, and may not be the main database',
  async () => {
    const db = databases.name('main');
    const shadow = await databases.create('ownshadow');
    await query(shadow, 'CREATE TABLE "Junk" ("id" INTEGER)');
    const p = await project({ databaseUrl: databaseUrl(db), shadowDatabaseUrl: databaseUrl(shadow) });

    const result = await p.prisma(['migrate', 'dev', '--name', 'init']);

    expect(result.output).toContain('Your database is now in sync with your schema.');
    expect(result.code).toBe(0);
    const [init] = await p.migrations();
    const sql = await p.migrationSql(init ?? '');
    expect(sql).toContain('CREATE TABLE "User"');
    expect(sql).not.toContain('Junk');
    expect(await tableNames(shadow)).not.toContain('Junk');

    const same = await databases.create('same');
    await createDatabaseTable(same);
    const misconfigured = await project({
      databaseUrl: databaseUrl(same),
      shadowDatabaseUrl: databaseUrl(same),
    });
    const refused = await misconfigured.prisma(['migrate', 'dev', '--name', 'init']);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('appears to be the same as the main database');
    expect(await tableNames(same)).toEqual(['Keep']);
  },
  TEST_TIMEOUT,
);

async function createDatabaseTable(database: string): Promise<void> {
  await query(database, 'CREATE TABLE "Keep" ("id" INTEGER)');
}

test(
  'migrate dev diffs a database with an enum and a check constraint (catalog "char" columns)',
  async () => {
    const db = databases.name('catalog');
    await createDatabase(db);
    const p = await project({
      databaseUrl: databaseUrl(db),
      migrations: {
        '20000101000000_init': `CREATE TYPE "Role" AS ENUM ('MEMBER', 'ADMIN');
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "role" "Role" NOT NULL DEFAULT 'MEMBER',
    CONSTRAINT "User_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "email_has_at" CHECK (position('@' in "email") > 0)
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
`,
      },
    });
    expect((await p.prisma(['migrate', 'deploy'])).code).toBe(0);

    const result = await p.prisma(['migrate', 'dev', '--name', 'noop']);

    expect(result.output).toContain('Already in sync');
    expect(result.code).toBe(0);
    expect(await p.migrations()).toEqual(['20000101000000_init']);
  },
  TEST_TIMEOUT,
);
