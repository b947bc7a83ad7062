import {
  defineService,
  observeQueries,
  prismaClientOptions,
  withTenants,
  type ServiceStartOptions,
  type TenantFoundation,
} from '@platform/service-kit';
import { startProvisioningConsumer } from './consumers/provisioning';
import { modules } from './generated/modules';
import { PrismaClient, type Prisma } from './generated/prisma/client';

/** Prisma's client type with query events on (the kit counts statements through them). */
export type Database = PrismaClient<'query'>;

/** What billing's modules and consumers are built from. */
export type BillingDependencies = TenantFoundation<Database, Prisma.TransactionClient>;

/** Billing's start options beyond the kit's. */
export interface BillingOptions {
  /** Off in tests that provision subscriptions themselves. Default true. */
  consumers?: boolean;
}

/** billing: plans and their feature matrix, organization subscriptions (provisioned at sign-up). */
export const billingService = defineService<Database, BillingDependencies, BillingOptions>({
  name: 'billing',
  defaultPort: 4004,
  sourceDirectory: __dirname,
  database: (url, options) => observeQueries(new PrismaClient(prismaClientOptions(url)), options),
  modules,
  dependencies: (foundation): BillingDependencies => withTenants(foundation),
  consumers: async (dependencies, messaging, options) =>
    options.consumers === false ? [] : [await startProvisioningConsumer(dependencies, messaging, options)],
});

export type BillingServiceOptions = ServiceStartOptions & BillingOptions;
export type BillingService = Awaited<ReturnType<typeof billingService.start>>;
export const startBillingService = billingService.start;
