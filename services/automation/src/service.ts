import {
  defineService,
  observeQueries,
  prismaClientOptions,
  withTenants,
  type TenantFoundation,
} from '@platform/service-kit';
import { startTriggerConsumer } from './consumers/triggers';
import { modules } from './generated/modules';
import { PrismaClient, type Prisma } from './generated/prisma/client';

/** Prisma's client type with query events on (the kit counts statements through them). */
export type Database = PrismaClient<'query'>;

/** What automation's modules and consumers are built from. */
export type AutomationDependencies = TenantFoundation<Database, Prisma.TransactionClient>;

/** automation: workflows (trigger, lifecycle) and their runs, started by the events they listen to. */
export const automationService = defineService({
  name: 'automation',
  defaultPort: 4005,
  sourceDirectory: __dirname,
  database: (url, options) => observeQueries(new PrismaClient(prismaClientOptions(url)), options),
  modules,
  dependencies: (foundation): AutomationDependencies => withTenants(foundation),
  consumers: async (dependencies, messaging, options) => [
    await startTriggerConsumer(dependencies, messaging, options),
  ],
});

export type AutomationService = Awaited<ReturnType<typeof automationService.start>>;
export const startAutomationService = automationService.start;
