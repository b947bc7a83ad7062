import {
  defineService,
  fieldCipher,
  observeQueries,
  prismaClientOptions,
  withTenants,
  type FieldCipher,
  type FieldKeyring,
  type ServiceStartOptions,
  type TenantFoundation,
} from '@platform/service-kit';
import { systemClock, type Clock } from './clock';
import { billingEnvironment } from './environment';
import { startProvisioningConsumer } from './consumers/provisioning';
import { startUserConsumer } from './consumers/users';
import { modules } from './generated/modules';
import { PrismaClient, type Prisma } from './generated/prisma/client';

/** Prisma's client type with query events on (the kit counts statements through them). */
export type Database = PrismaClient<'query'>;

/** What billing's modules and consumers are built from. */
export interface BillingDependencies extends TenantFoundation<Database, Prisma.TransactionClient> {
  /** Billing's "now" (tests move it forward). */
  clock: Clock;
  /** Seals billing info's personal data; null when no keyring was given (billing info then refuses). */
  piiCipher: FieldCipher | null;
}

/** Billing's start options beyond the kit's. */
export interface BillingOptions {
  /** Off in tests that provision subscriptions themselves. Default true. */
  consumers?: boolean;
  /** Billing's clock; the wall clock by default. Tests pass one they move forward. */
  clock?: Clock;
  /**
   * The keys billing info's personal data is encrypted with (BILLING_PII_KEYRING, required for the
   * process). Without one, reading or changing billing info fails; everything else works.
   */
  piiKeyring?: FieldKeyring;
}

/** billing: plans and their feature matrix, organization subscriptions (provisioned at sign-up). */
export const billingService = defineService<Database, BillingDependencies, BillingOptions>({
  name: 'billing',
  defaultPort: 4004,
  sourceDirectory: __dirname,
  database: (url, options) => observeQueries(new PrismaClient(prismaClientOptions(url)), options),
  modules,
  dependencies: (foundation, options): BillingDependencies => ({
    ...withTenants(foundation),
    clock: options.clock ?? systemClock,
    piiCipher: options.piiKeyring ? fieldCipher(options.piiKeyring) : null,
  }),
  consumers: async (dependencies, messaging, options) =>
    options.consumers === false
      ? []
      : [
          await startProvisioningConsumer(dependencies, messaging, options),
          await startUserConsumer(dependencies, messaging, options),
        ],
  environment: billingEnvironment,
});

export type BillingServiceOptions = ServiceStartOptions & BillingOptions;
export type BillingService = Awaited<ReturnType<typeof billingService.start>>;
export const startBillingService = billingService.start;
