import { Client } from 'pg';
import { createServiceDatabase, dropDatabase, ensureServiceRoles, serviceRoles } from '@platform/infra';
import { createTestDatabase, readTestState } from '../src';

async function query<T extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('PostgreSQL provisioning', () => {
  it('runs against the server the harness resolved', async () => {
    const state = readTestState();
    const rows = await query<{ version: string }>(state.adminUrl, 'select version()');
    expect(rows[0]?.version).toMatch(/^PostgreSQL \d+/);
  });

  it('gives each service an owner and an application role, neither superuser nor BYPASSRLS', async () => {
    const { adminUrl } = readTestState();
    await ensureServiceRoles(adminUrl, 'crm');
    const roles = serviceRoles('crm');
    const rows = await query<{
      rolname: string;
      rolsuper: boolean;
      rolbypassrls: boolean;
      rolcanlogin: boolean;
    }>(
      adminUrl,
      'select rolname, rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = any($1) order by rolname',
      [[roles.app, roles.owner]],
    );
    expect(rows).toEqual([
      { rolname: 'crm_app', rolsuper: false, rolbypassrls: false, rolcanlogin: true },
      { rolname: 'crm_owner', rolsuper: false, rolbypassrls: false, rolcanlogin: true },
    ]);
  });

  it('creates a database owned by the owner role where the application role can write rows but not DDL', async () => {
    const { adminUrl } = readTestState();
    await ensureServiceRoles(adminUrl, 'billing');
    const name = `t_${readTestState().runId}_prov_${Date.now().toString(36)}`;
    const urls = await createServiceDatabase(adminUrl, 'billing', name);
    try {
      const owner = await query<{ owner: string }>(
        adminUrl,
        'select pg_get_userbyid(datdba) as owner from pg_database where datname = $1',
        [name],
      );
      expect(owner[0]?.owner).toBe('billing_owner');

      await query(urls.ownerUrl, 'create table notes (id serial primary key, body text not null)');
      await query(urls.appUrl, `insert into notes (body) values ('written by the app role')`);
      const rows = await query<{ body: string }>(urls.appUrl, 'select body from notes');
      expect(rows).toEqual([{ body: 'written by the app role' }]);

      await expect(query(urls.appUrl, 'create table intruder (id int)')).rejects.toThrow(
        /permission denied for schema public/,
      );
      await expect(query(urls.appUrl, 'drop table notes')).rejects.toThrow(/must be owner of table notes/);
    } finally {
      await dropDatabase(adminUrl, name);
    }
  });

  it('keeps other roles out of a service database', async () => {
    const { adminUrl } = readTestState();
    const database = await createTestDatabase('crm');
    try {
      await ensureServiceRoles(adminUrl, 'billing');
      const intruder = new URL(database.appUrl);
      intruder.username = 'billing_app';
      intruder.password = 'billing_app';
      await expect(query(intruder.toString(), 'select 1')).rejects.toThrow(/permission denied for database/);
    } finally {
      await database.drop();
    }
  });
});
