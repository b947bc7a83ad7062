import { databaseExists, databaseUrl, query, ScratchDatabases, tableNames } from './support/database';
import { TempProject, TEST_TIMEOUT } from './support/project';

// Hand-written migrations: dated in the past so that migrations the CLI generates sort after them.
const INIT = `CREATE TABLE "Account" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Account_email_key" ON "Account"("email");
`;
const SECOND = `ALTER TABLE "Account" ADD COLUMN "name" TEXT;\n`;

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
  'migrate deploy creates a database that does not exist yet and applies every migration',
  async () => {
    const db = databases.name('deploy');
    const p = await project({
      databaseUrl: databaseUrl(db),
      migrations: { '20000101000000_init': INIT, '20000102000000_name': SECOND },
    });
    expect(await databaseExists(db)).toBe(false);

    const result = await p.prisma(['migrate', 'deploy']);

    expect(result.output).toContain('All migrations have been successfully applied');
    expect(result.code).toBe(0);
    expect(await tableNames(db)).toEqual(['Account', '_prisma_migrations']);
    const applied = await query<{ migration_name: string }>(
      db,
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name',
    );
    expect(applied.map((row) => row.migration_name)).toEqual(['20000101000000_init', '20000102000000_name']);
    const columns = await query<{ column_name: string }>(
      db,
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'Account' ORDER BY column_name`,
    );
    expect(columns.map((row) => row.column_name)).toEqual(['email', 'id', 'name']);
  },
  TEST_TIMEOUT,
);

test(
  'migrate status reports an up-to-date database, then a pending migration',
  async () => {
    const db = databases.name('status');
    const p = await project({ databaseUrl: databaseUrl(db), migrations: { '20000101000000_init': INIT } });
    expect((await p.prisma(['migrate', 'deploy'])).code).toBe(0);

    const upToDate = await p.prisma(['migrate', 'status']);
    expect(upToDate.output).toContain('Database schema is up to date!');
    expect(upToDate.code).toBe(0);

    await p.addMigration('20000102000000_name', SECOND);
    const pending = await p.prisma(['migrate', 'status']);
    expect(pending.output).toContain('Following migration have not yet been applied:');
    expect(pending.output).toContain('20000102000000_name');
    expect(pending.code).toBe(1);
  },
  TEST_TIMEOUT,
);

test(
  "a migration with a $$ plpgsql body and a ';' literal applies as one script",
  async () => {
    const db = databases.name('dollar');
    const p = await project({
      databaseUrl: databaseUrl(db),
      migrations: {
        '20000101000000_trigger': `CREATE TABLE "Note" ("id" SERIAL PRIMARY KEY, "body" TEXT NOT NULL DEFAULT ';');

CREATE FUNCTION note_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."body" := NEW."body" || ';stamped';
  RETURN NEW;
END;
$$;

CREATE TRIGGER note_stamp BEFORE INSERT ON "Note" FOR EACH ROW EXECUTE FUNCTION note_stamp();

INSERT INTO "Note" ("body") VALUES ('a;b');
`,
      },
    });

    const result = await p.prisma(['migrate', 'deploy']);

    expect(result.output).toContain('All migrations have been successfully applied');
    expect(result.code).toBe(0);
    const rows = await query<{ body: string }>(db, 'SELECT body FROM "Note"');
    expect(rows).toEqual([{ body: 'a;b;stamped' }]);
  },
  TEST_TIMEOUT,
);

test(
  'a migration failing in its second statement leaves nothing applied and reports the database error',
  async () => {
    const db = databases.name('atomic');
    const p = await project({
      databaseUrl: databaseUrl(db),
      migrations: {
        '20000101000000_init': INIT,
        '20000102000000_broken': `CREATE TABLE "FirstOfBroken" ("id" INTEGER PRIMARY KEY);
ALTER TABLE "DoesNotExist" ADD COLUMN "x" INTEGER;
`,
      },
    });

    const result = await p.prisma(['migrate', 'deploy']);

    expect(result.code).not.toBe(0);
    expect(result.output).toContain('P3018');
    expect(result.output).toContain('Migration name: 20000102000000_broken');
    expect(result.output).toContain('Database error code: 42P01');
    expect(result.output).toContain('relation "DoesNotExist" does not exist');
    // The Rust span trace is not shown.
    expect(result.output).not.toMatch(/\d+: sql_schema_connector::/);
    // The first migration is applied; nothing of the broken one is.
    expect(await tableNames(db)).toEqual(['Account', '_prisma_migrations']);
    const rows = await query<{ migration_name: string; finished: boolean }>(
      db,
      'SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows).toEqual([
      { migration_name: '20000101000000_init', finished: true },
      { migration_name: '20000102000000_broken', finished: false },
    ]);
  },
  TEST_TIMEOUT,
);

test(
  'migrate reset --force drops the data and reapplies the migrations',
  async () => {
    const db = databases.name('reset');
    const p = await project({ databaseUrl: databaseUrl(db), migrations: { '20000101000000_init': INIT } });
    expect((await p.prisma(['migrate', 'deploy'])).code).toBe(0);
    await query(db, `INSERT INTO "Account" ("email") VALUES ('someone@example.com')`);
    await query(db, 'CREATE TABLE "Stray" ("id" INTEGER)');

    const result = await p.prisma(['migrate', 'reset', '--force']);

    expect(result.output).toContain('Database reset successful');
    expect(result.code).toBe(0);
    expect(await tableNames(db)).toEqual(['Account', '_prisma_migrations']);
    expect(await query(db, 'SELECT * FROM "Account"')).toEqual([]);
  },
  TEST_TIMEOUT,
);
