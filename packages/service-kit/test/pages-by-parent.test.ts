import { randomBytes, randomUUID } from 'node:crypto';
import { pageOf, pageRequest, type PageRequest } from '@platform/domain';
import { readTestState } from '@platform/testing';
import { Client } from 'pg';
import { listFilterSql, type ListSpec } from '../src/list-query';
import { pagesByParent, toConnectionBy, type RawQueryTransaction } from '../src/pagination';

// One page per parent in one statement, against real PostgreSQL: ordered by created_at (every caller
// so far), by another timestamp column (a timeline by when things happened), with a condition whose
// values are bound as parameters; and connections whose cursors hold that other timestamp.

interface Entry extends Record<string, unknown> {
  id: string;
  parent_id: string;
  kind: string;
  created_at: Date;
  happened_at: Date;
}

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 9, minute));

describe('pagesByParent', () => {
  const { adminUrl, runId } = readTestState();
  const database = `t_${runId}_kit_pages_${randomBytes(4).toString('hex')}`;
  const organizationId = randomUUID();
  const [parentA, parentB, empty] = [randomUUID(), randomUUID(), randomUUID()];
  const ids: string[] = Array.from({ length: 5 }, () => randomUUID());
  let client: Client;
  let tx: RawQueryTransaction;

  beforeAll(async () => {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${database}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    client = new Client({ connectionString: url.toString() });
    await client.connect();
    await client.query(`create table entries (
      id uuid primary key, organization_id uuid not null, parent_id uuid not null, kind text not null,
      created_at timestamptz not null, happened_at timestamptz not null)`);
    // Recorded in one order (created_at), happened in another (happened_at).
    const rows: Array<[string, string, string, Date, Date]> = [
      [ids[0] ?? '', parentA, 'call', at(1), at(30)],
      [ids[1] ?? '', parentA, 'email', at(2), at(10)],
      [ids[2] ?? '', parentA, 'call', at(3), at(20)],
      [ids[3] ?? '', parentA, 'note', at(4), at(40)],
      [ids[4] ?? '', parentB, 'email', at(5), at(5)],
    ];
    for (const [id, parent, kind, createdAt, happenedAt] of rows) {
      await client.query('insert into entries values ($1, $2, $3, $4, $5, $6)', [
        id,
        organizationId,
        parent,
        kind,
        createdAt,
        happenedAt,
      ]);
    }
    // Another organization's row under the same parent id never shows.
    await client.query('insert into entries values ($1, $2, $3, $4, $5, $6)', [
      randomUUID(),
      randomUUID(),
      parentA,
      'call',
      at(50),
      at(50),
    ]);
    tx = {
      $queryRawUnsafe: async <T>(query: string, ...values: unknown[]): Promise<T> =>
        (await client.query(query, values)).rows as T,
    };
  });

  afterAll(async () => {
    await client?.end();
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  });

  const idsOf = (rows: Entry[]) => rows.map((row) => ids.indexOf(row.id));
  const pages = (
    request: PageRequest,
    extra: { orderColumn?: string; where?: Parameters<typeof pagesByParent>[1]['where'] } = {},
  ) =>
    pagesByParent<Entry>(tx, {
      table: 'entries',
      parentColumn: 'parent_id',
      organizationId,
      parentIds: [parentA, empty, parentB],
      request,
      ...extra,
    });

  it('orders by created_at unless told otherwise, one page per parent in parent order', async () => {
    const [a, none, b] = await pages({ first: 2, after: null });
    expect(idsOf(a?.rows ?? [])).toEqual([3, 2, 1]);
    expect(a?.totalCount).toBe(4);
    expect(none).toEqual({ rows: [], totalCount: 0 });
    expect(idsOf(b?.rows ?? [])).toEqual([4]);
    const [next] = await pages({ first: 2, after: { createdAt: at(3), id: ids[2] ?? '' } });
    expect(idsOf(next?.rows ?? [])).toEqual([1, 0]);
  });

  it('orders by another timestamp column, its cursor holding that column’s value', async () => {
    const [a] = await pages({ first: 2, after: null }, { orderColumn: 'happened_at' });
    expect(idsOf(a?.rows ?? [])).toEqual([3, 0, 2]);
    // After the second row shown (happened at :30): the ones that happened earlier.
    const [next, , b] = await pages(
      { first: 2, after: { createdAt: at(30), id: ids[0] ?? '' } },
      { orderColumn: 'happened_at' },
    );
    expect(idsOf(next?.rows ?? [])).toEqual([2, 1]);
    expect(idsOf(b?.rows ?? [])).toEqual([4]);
    // A parent whose rows all come before the cursor still reports its total.
    const [, , done] = await pages(
      { first: 2, after: { createdAt: at(1), id: ids[0] ?? '' } },
      { orderColumn: 'happened_at' },
    );
    expect(done).toEqual({ rows: [], totalCount: 1 });
    await expect(
      pages({ first: 2, after: null }, { orderColumn: 'happened_at; drop table entries' }),
    ).rejects.toThrow(/not a plain identifier/);
  });

  it('binds the values of a condition as parameters, after its own', async () => {
    const kind = "call' or 'x' = 'x";
    const [none] = await pages({ first: 5, after: null }, { where: (bind) => `kind = ${bind(kind)}` });
    expect(none).toEqual({ rows: [], totalCount: 0 });
    const [calls] = await pages(
      { first: 5, after: { createdAt: at(40), id: ids[3] ?? '' } },
      {
        orderColumn: 'happened_at',
        where: (bind) => `kind = ${bind('call')} AND happened_at >= ${bind(at(0))}`,
      },
    );
    expect(idsOf(calls?.rows ?? [])).toEqual([0, 2]);
    expect(calls?.totalCount).toBe(2);
    const [fixed] = await pages({ first: 5, after: null }, { where: "kind = 'email'" });
    expect(idsOf(fixed?.rows ?? [])).toEqual([1]);
  });

  it('filters each parent’s page with a list’s filter tree (listFilterSql), its values bound', async () => {
    const spec: ListSpec = {
      table: 'entries',
      where: "t.kind <> 'note'",
      filters: {
        kind: { column: 'kind', type: 'text' },
        happenedAt: { column: 'happened_at', type: 'timestamptz' },
      },
      sorts: {},
    };
    const filtered = (filter: Record<string, unknown> | null) =>
      pages(
        { first: 5, after: null },
        {
          orderColumn: 'happened_at',
          where: (bind) => listFilterSql(spec, filter, (value, type) => `${bind(value)}::${type}`),
        },
      );
    // The spec's own condition holds without a filter: no notes.
    const [all] = await filtered(null);
    expect(idsOf(all?.rows ?? [])).toEqual([0, 2, 1]);
    const [tree, , b] = await filtered({
      or: [{ kind: { eq: 'email' } }, { happenedAt: { gte: at(25) } }],
      not: { kind: { startsWith: "x' or '1'='1" } },
    });
    expect(idsOf(tree?.rows ?? [])).toEqual([0, 1]);
    expect(tree?.totalCount).toBe(2);
    expect(idsOf(b?.rows ?? [])).toEqual([4]);
    await expect(filtered({ colour: { eq: 'red' } })).rejects.toThrow(/cannot filter on colour/);
  });

  it('makes connections whose cursors continue in that order', async () => {
    const request = pageRequest(2, null);
    const [a] = await pages(request, { orderColumn: 'happened_at' });
    const connection = toConnectionBy(pageOf(a?.rows ?? [], request, a?.totalCount ?? 0), (row) => ({
      createdAt: row.happened_at,
      id: row.id,
    }));
    expect(connection.pageInfo.hasNextPage).toBe(true);
    const next = pageRequest(2, connection.pageInfo.endCursor);
    expect(next.after).toEqual({ createdAt: at(30), id: ids[0] });
    const [rest] = await pages(next, { orderColumn: 'happened_at' });
    expect(idsOf(rest?.rows ?? [])).toEqual([2, 1]);
  });
});
