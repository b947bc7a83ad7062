import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from '../generated/prisma/client';

/** Query events are always emitted (cheap without a listener) so `onQuery` can observe them. */
function newClient(url: string) {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: url }),
    log: [{ emit: 'event', level: 'query' }],
  });
}

export type Database = ReturnType<typeof newClient>;
export type Transaction = Prisma.TransactionClient;

/** The service's Prisma client over node-postgres (Prisma 7's driver adapter). */
export function createDatabase(url: string, options: { onQuery?: (sql: string) => void } = {}): Database {
  const client = newClient(url);
  const { onQuery } = options;
  if (onQuery) client.$on('query', (event) => onQuery(event.query));
  return client;
}

/**
 * Runs `work` in a transaction allowed to READ users, organizations and refresh tokens of any
 * organization — only what signing in needs before the organization is known (policies
 * `auth_lookup` in the migrations). Writes stay tenant-scoped.
 */
export function asAuthLookup<T>(db: Database, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`select set_config('app.auth_lookup', 'on', true)`;
    return work(tx);
  });
}
