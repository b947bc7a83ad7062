import {
  defineService,
  observeQueries,
  prismaClientOptions,
  withTenants,
  type TenantFoundation,
} from '@platform/service-kit';
import { modules } from './generated/modules';
import { startMessagePartitionJob } from './modules/message/infra/partition-job';
import { PrismaClient, type Prisma } from './generated/prisma/client';

/** Prisma's client type with query events on (the kit counts statements through them). */
export type Database = PrismaClient<'query'>;

/** What conversations' modules are built from. */
export type ConversationsDependencies = TenantFoundation<Database, Prisma.TransactionClient>;

/** conversations: the social inbox — conversations, and later channels, messages, replies and AI tasks. */
export const conversationsService = defineService({
  name: 'conversations',
  defaultPort: 4003,
  sourceDirectory: __dirname,
  database: (url, options) => observeQueries(new PrismaClient(prismaClientOptions(url)), options),
  modules,
  dependencies: (foundation): ConversationsDependencies => withTenants(foundation),
  // Messages are partitioned by month: the job keeps the next months' partitions ready (every 6 hours).
  jobs: (dependencies, options) => [
    startMessagePartitionJob(dependencies.database, {
      intervalMs: 6 * 60 * 60 * 1000,
      logger: options.logger,
    }),
  ],
});

export type ConversationsService = Awaited<ReturnType<typeof conversationsService.start>>;
export const startConversationsService = conversationsService.start;
