import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@platform/testing';
import { createDatabase, type Database } from '../src/infra/database';

// Proof that the Prisma pieces fit: the committed migrations were applied by `prisma migrate deploy`
// (through the offline schema-engine bridge on machines without the native engine), and the generated
// client, connected as the application role through @prisma/adapter-pg, reads and writes real rows.
describe('crm database (Prisma migrations + generated client)', () => {
  let testDatabase: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('crm');
    database = createDatabase(testDatabase.appUrl);
  });

  afterAll(async () => {
    await database.$disconnect();
    await testDatabase.drop();
  });

  it('has every committed migration recorded as applied', async () => {
    const client = new Client({ connectionString: testDatabase.ownerUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ migration_name: string; finished_at: Date | null }>(
        'select migration_name, finished_at from _prisma_migrations order by migration_name',
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((row) => row.finished_at instanceof Date)).toBe(true);
      expect(rows[0]?.migration_name).toMatch(/^\d{14}_init$/);
    } finally {
      await client.end();
    }
  });

  it('round-trips a contact through the generated client as the application role', async () => {
    const organizationId = '6f1c2b1e-58a4-4c7e-9a59-0f1f7d3e2a10';
    const created = await database.contact.create({
      data: { organizationId, givenName: 'Ada', familyName: 'Lovelace' },
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.createdAt).toBeInstanceOf(Date);

    const found = await database.contact.findMany({ where: { organizationId } });
    expect(found).toEqual([created]);

    const deleted = await database.contact.update({
      where: { id: created.id },
      data: { deletedAt: new Date() },
    });
    expect(deleted.deletedAt).toBeInstanceOf(Date);
    expect(await database.contact.count({ where: { organizationId, deletedAt: null } })).toBe(0);
  });

  it('connects as a role that can write rows but cannot change the schema', async () => {
    const [role] = await database.$queryRaw<Array<{ current_user: string }>>`select current_user`;
    expect(role?.current_user).toBe('crm_app');
    await expect(database.$executeRawUnsafe('alter table contacts add column sneaky text')).rejects.toThrow(
      /must be owner of table contacts/,
    );
  });
});
