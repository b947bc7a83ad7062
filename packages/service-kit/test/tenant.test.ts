import { randomBytes, randomUUID } from 'node:crypto';
import { readTestState } from '@platform/testing';
import { Client, Pool, type PoolClient } from 'pg';
import { tenantIsolationPolicySql, withTenant, type TenantClient } from '../src';

/** Prisma's raw-query surface over one pg connection: enough to run withTenant for real. */
class PgTransaction {
  constructor(private readonly connection: PoolClient) {}

  private static sql(strings: TemplateStringsArray): string {
    return strings.reduce((sql, part, index) => `${sql}$${index}${part}`);
  }

  async $executeRaw(strings: TemplateStringsArray, ...values: unknown[]): Promise<number> {
    return (await this.connection.query(PgTransaction.sql(strings), values)).rowCount ?? 0;
  }

  async $queryRaw<Row extends object>(strings: TemplateStringsArray, ...values: unknown[]): Promise<Row[]> {
    return (await this.connection.query<Row>(PgTransaction.sql(strings), values)).rows;
  }
}

class PgClient implements TenantClient<PgTransaction> {
  constructor(readonly pool: Pool) {}

  async $transaction<T>(work: (tx: PgTransaction) => Promise<T>): Promise<T> {
    const connection = await this.pool.connect();
    try {
      await connection.query('begin');
      const result = await work(new PgTransaction(connection));
      await connection.query('commit');
      return result;
    } catch (error) {
      await connection.query('rollback');
      throw error;
    } finally {
      connection.release();
    }
  }
}

function withDatabase(url: string, database: string, user?: string): string {
  const result = new URL(url);
  result.pathname = `/${database}`;
  if (user) {
    result.username = user;
    result.password = user;
  }
  return result.toString();
}

async function run(url: string, statements: string[]): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

interface Note {
  organization_id: string;
  body: string;
}

describe('withTenant under PostgreSQL row-level security', () => {
  const suffix = randomBytes(4).toString('hex');
  const owner = `kit_owner_${suffix}`;
  const app = `kit_app_${suffix}`;
  const { adminUrl, runId } = readTestState();
  const database = `t_${runId}_kit_${suffix}`;
  const orgA = randomUUID();
  const orgB = randomUUID();
  let client: PgClient;

  beforeAll(async () => {
    await run(adminUrl, [
      `create role ${owner} login password '${owner}'`,
      // What a service connects as: not the owner, not a superuser, no BYPASSRLS.
      `create role ${app} login password '${app}' nosuperuser nobypassrls`,
      `create database ${database} owner ${owner}`,
    ]);
    await run(withDatabase(adminUrl, database, owner), [
      `create table notes (
         id uuid primary key default gen_random_uuid(),
         organization_id uuid not null,
         body text not null
       )`,
      tenantIsolationPolicySql('notes'),
      `grant select, insert, update, delete on notes to ${app}`,
    ]);
    // Seeded behind RLS's back, as the superuser.
    await run(withDatabase(adminUrl, database), [
      `insert into notes (organization_id, body) values
         ('${orgA}', 'a-1'), ('${orgA}', 'a-2'), ('${orgB}', 'b-1')`,
    ]);
    // One connection: every transaction reuses it, so a leaked setting would show.
    client = new PgClient(new Pool({ connectionString: withDatabase(adminUrl, database, app), max: 1 }));
  });

  afterAll(async () => {
    await client.pool.end();
    await run(adminUrl, [
      `drop database if exists ${database} with (force)`,
      `drop role if exists ${app}`,
      `drop role if exists ${owner}`,
    ]);
  });

  const bodies = (organizationId: string): Promise<string[]> =>
    withTenant(client, organizationId, async (tx) =>
      // No organization filter on purpose: the policy alone must keep other tenants out.
      (await tx.$queryRaw<Note>`select organization_id, body from notes order by body`).map(
        (note) => note.body,
      ),
    );

  it('shows a tenant only its own rows, even to a query without an organization filter', async () => {
    expect(await bodies(orgA)).toEqual(['a-1', 'a-2']);
    expect(await bodies(orgB)).toEqual(['b-1']);
  });

  it('refuses to write a row of another organization', async () => {
    await expect(
      withTenant(
        client,
        orgA,
        (tx) => tx.$executeRaw`insert into notes (organization_id, body) values (${orgB}::uuid, 'sneaky')`,
      ),
    ).rejects.toThrow(/row-level security/);
    expect(await bodies(orgB)).toEqual(['b-1']);
  });

  it('writes a row of the current tenant, visible to it alone', async () => {
    await withTenant(
      client,
      orgB,
      (tx) => tx.$executeRaw`insert into notes (organization_id, body) values (${orgB}::uuid, 'b-2')`,
    );
    expect(await bodies(orgB)).toEqual(['b-1', 'b-2']);
    expect(await bodies(orgA)).toEqual(['a-1', 'a-2']);
  });

  it('cannot move a row into another organization', async () => {
    await expect(
      withTenant(
        client,
        orgA,
        (tx) => tx.$executeRaw`update notes set organization_id = ${orgB}::uuid where body = 'a-1'`,
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('keeps the tenant to its transaction: outside withTenant the same connection sees no rows', async () => {
    await bodies(orgA);
    const outside = await client.$transaction(
      (tx) => tx.$queryRaw<Note>`select organization_id, body from notes`,
    );
    expect(outside).toEqual([]);
  });

  it('refuses an organization id that is not a UUID', async () => {
    await expect(withTenant(client, "' or true --", () => Promise.resolve(1))).rejects.toThrow(
      'must be a UUID',
    );
  });

  it('generates the policy SQL only for plain identifiers', () => {
    expect(tenantIsolationPolicySql('contacts')).toContain('CREATE POLICY tenant_isolation ON "contacts"');
    expect(() => tenantIsolationPolicySql('contacts"; drop table x; --')).toThrow('plain SQL identifier');
  });
});
