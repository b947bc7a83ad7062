import {
  defineService,
  observeQueries,
  prismaClientOptions,
  withTenants,
  type TenantFoundation,
} from '@platform/service-kit';
import { startUserConsumer } from './consumers/users';
import { modules } from './generated/modules';
import { PrismaClient, type Prisma } from './generated/prisma/client';

/** Prisma's client type with query events on (the kit counts statements through them). */
export type Database = PrismaClient<'query'>;

/** What crm's modules are built from. */
export type CrmDependencies = TenantFoundation<Database, Prisma.TransactionClient>;

/**
 * crm: contacts (EMMA's contact-centric core) and support tickets with their notes, and later companies,
 * deals, interactions, tasks; keeps a projection of identity's users to check the owners contacts and
 * the assignees tickets name.
 */
export const crmService = defineService({
  name: 'crm',
  defaultPort: 4002,
  sourceDirectory: __dirname,
  database: (url, options) => observeQueries(new PrismaClient(prismaClientOptions(url)), options),
  modules,
  dependencies: (foundation): CrmDependencies => withTenants(foundation),
  consumers: async (dependencies, messaging, options) => [
    await startUserConsumer(dependencies, messaging, options),
  ],
});

export type CrmService = Awaited<ReturnType<typeof crmService.start>>;
export const startCrmService = crmService.start;
