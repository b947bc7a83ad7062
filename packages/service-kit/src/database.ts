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
