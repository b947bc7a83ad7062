import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { prismaClientOptions, withTenant } from '@platform/service-kit';
import { createTestDatabase, type TestDatabase } from '@platform/testing';
import { PrismaClient } from '../src/generated/prisma/client';
import { sealed } from './support';

type Database = PrismaClient;

// Proof that the Prisma pieces fit: the committed migrations were applied by `prisma migrate deploy`
// (through the offline schema-engine bridge on machines without the native engine), and the generated
// client, connected as the application role through @prisma/adapter-pg, reads and writes real rows —
// only inside a tenant transaction, as row-level security demands.
describe('crm database (Prisma migrations + generated client + row-level security)', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  const organizationId = randomUUID();
  const otherOrganizationId = randomUUID();

  beforeAll(async () => {
    testDatabase = await createTestDatabase('crm');
    database = new PrismaClient(prismaClientOptions(testDatabase.appUrl));
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
      expect(rows.length).toBeGreaterThan(1);
      expect(rows.every((row) => row.finished_at instanceof Date)).toBe(true);
      expect(rows[0]?.migration_name).toMatch(/^\d{14}_init$/);
    } finally {
      await client.end();
    }
  });

  it('round-trips a contact through the generated client as the application role', async () => {
    const id = randomUUID();
    const created = await withTenant(database, organizationId, (tx) =>
      tx.contact.create({
        data: { id, organizationId, ...sealed({ id, organizationId, givenName: 'Ada' }), tags: ['vip'] },
      }),
    );
    expect(created.relationshipState).toBe('Lead');
    expect(created.createdAt).toBeInstanceOf(Date);

    const found = await withTenant(database, organizationId, (tx) =>
      tx.contact.findMany({ where: { organizationId } }),
    );
    expect(found).toEqual([created]);
  });

  it('shows no rows outside a tenant transaction or to another tenant, and refuses foreign writes', async () => {
    const grace = randomUUID();
    const mallory = randomUUID();
    await withTenant(database, organizationId, (tx) =>
      tx.contact.create({
        data: { id: grace, organizationId, ...sealed({ id: grace, organizationId, givenName: 'Grace' }) },
      }),
    );
    expect(await database.contact.count()).toBe(0);
    expect(await withTenant(database, otherOrganizationId, (tx) => tx.contact.count())).toBe(0);
    await expect(
      withTenant(database, otherOrganizationId, (tx) =>
        tx.contact.create({
          data: {
            id: mallory,
            organizationId,
            ...sealed({ id: mallory, organizationId, givenName: 'Mallory' }),
          },
        }),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('connects as a role that can write rows but cannot change the schema', async () => {
    const [role] = await database.$queryRaw<Array<{ current_user: string }>>`select current_user`;
    expect(role?.current_user).toBe('crm_app');
    await expect(database.$executeRawUnsafe('alter table contacts add column sneaky text')).rejects.toThrow(
      /must be owner of table contacts/,
    );
  });
});
