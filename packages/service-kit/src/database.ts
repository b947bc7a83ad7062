import { PrismaPg } from '@prisma/adapter-pg';

/** What the kit needs of a service's generated Prisma client. */
export interface PrismaDatabase {
  $disconnect(): Promise<void>;
  $on(event: 'query', listener: (event: { query: string }) => void): void;
}

export interface DatabaseOptions {
  /** Sees every SQL statement the client sends (tests and benchmarks count them). */
  onQuery?: (sql: string) => void;
}

/**
 * The options every service's Prisma client is made with: node-postgres through Prisma 7's driver
 * adapter, and query events always on (cheap without a listener) so `onQuery` can observe them.
 * `new PrismaClient(prismaClientOptions(url))` in the service, where its generated class is.
 */
export function prismaClientOptions(url: string) {
  return {
    adapter: new PrismaPg({ connectionString: url }),
    log: [{ emit: 'event' as const, level: 'query' as const }],
  };
}

/** Hands every statement of `client` to `onQuery` when given; returns the client. */
export function observeQueries<TClient extends PrismaDatabase>(
  client: TClient,
  options: DatabaseOptions = {},
): TClient {
  const { onQuery } = options;
  if (onQuery) client.$on('query', (event) => onQuery(event.query));
  return client;
}

/**
 * Whether `error` is Prisma's unique-constraint violation (P2002), on `column` when one is named. Read by
 * shape, so it works with every service's generated client.
 */
export function isUniqueViolation(error: unknown, column?: string): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error) || error.code !== 'P2002')
    return false;
  if (column === undefined) return true;
  const meta = 'meta' in error ? error.meta : undefined;
  return JSON.stringify(meta ?? {}).includes(column);
}

/** What `insertRows` needs of a Prisma transaction. */
export interface RawExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/**
 * Inserts many rows in one statement with one parameter: the rows as a JSON array whose keys are the
 * table's column names, expanded by `jsonb_populate_recordset`. Prisma's createMany builds a statement
 * of rows × columns parameters, which costs seconds at thousands of rows; this costs what PostgreSQL
 * needs. Every column of the table is written: a key left out is NULL, not the column's default, so
 * give every NOT NULL column. Answers how many rows were inserted.
 */
export async function insertRows(
  tx: RawExecutor,
  table: string,
  rows: ReadonlyArray<Readonly<Record<string, unknown>>>,
): Promise<number> {
  if (!/^[a-z_][a-z0-9_]*$/.test(table))
    throw new TypeError(`insertRows: "${table}" is not a plain identifier`);
  if (rows.length === 0) return 0;
  return tx.$executeRawUnsafe(
    `INSERT INTO "${table}" SELECT * FROM jsonb_populate_recordset(NULL::"${table}", $1::jsonb)`,
    JSON.stringify(rows),
  );
}

/** A Prisma field name as its snake_case column (`nextFollowUpAt` → `next_follow_up_at`). */
export const columnName = (field: string): string =>
  field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** A row of Prisma field names as one of column names (for `insertRows`). */
export const asColumns = (row: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(row).map(([field, value]) => [columnName(field), value]));
