import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from '../generated/prisma/client';

export type Database = PrismaClient;
export type Transaction = Prisma.TransactionClient;

/** The service's Prisma client over node-postgres (Prisma 7's driver adapter). */
export function createDatabase(url: string): Database {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
}
