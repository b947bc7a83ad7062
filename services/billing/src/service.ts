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
import { startProvisioningConsumer } from './consumers/provisioning';
import { billingEnvironment, type BillingEnvironment } from './environment';
import { subscriptionCollaborators } from './modules/subscription/infra/collaborators';
import { startSubscriptionScheduler } from './modules/subscription/infra/subscription-scheduler';
import { settlePayment } from './modules/subscription/domain/subscription-operations';
import {
  subscriptionTransaction,
  type SubscriptionCollaborators,
} from './modules/subscription/infra/subscription-repository';
import { startUsageConsumer } from './consumers/usage';
import { startUserConsumer } from './consumers/users';
import { modules } from './generated/modules';
import { PrismaClient, type Prisma } from './generated/prisma/client';
import type { PaymentSettledHook } from './modules/payment/domain/payment-attempt';
import type { PaymentProvider } from './modules/payment/domain/payment-provider';
import { httpPaymentProvider } from './modules/payment/infra/http-payment-provider';
import {
  LOCAL_PAYMENT_PROVIDER,
  startLocalPaymentProvider,
  type LocalPaymentProvider,
  type LocalPaymentProviderOptions,
} from './modules/payment/infra/local-provider/server';
import {
  startPaymentDispatcher,
  type PaymentDispatchOptions,
} from './modules/payment/infra/payment-dispatcher';
import { PAYMENT_WEBHOOK_PATH, paymentWebhookRoute } from './modules/payment/infra/webhook-route';

/** Prisma's client type with query events on (the kit counts statements through them). */
export type Database = PrismaClient<'query'>;

/** What billing's modules and consumers are built from. */
export interface BillingDependencies extends TenantFoundation<Database, Prisma.TransactionClient> {
  /** Billing's "now" (tests move it forward). */
  clock: Clock;
  /** What subscriptions ask of payments, entitlements and billing info inside their transactions. */
  subscriptionCollaborators: SubscriptionCollaborators;
  /** Where payments go: the configured provider, or the local payment provider. */
  paymentProvider: PaymentProvider;
  /**
   * Told once per payment attempt when it reaches its final status, inside the tenant transaction that
   * records it (what it changes commits with that status). Absent: attempts are only recorded.
   */
  onPaymentSettled?: PaymentSettledHook<Prisma.TransactionClient>;
  /** Seals billing info's personal data; null when no keyring was given (billing info then refuses). */
  piiCipher: FieldCipher | null;
}

/** Billing's start options beyond the kit's. */
export interface BillingOptions {
  /** Off in tests that provision subscriptions themselves. Default true. */
  consumers?: boolean;
  /** Billing's clock; the wall clock by default. Tests pass one they move forward. */
  clock?: Clock;
  /** How often the scheduler looks for due renewals, retries and expiries (default 60 s). */
  subscriptionSchedulerIntervalMs?: number;
  /**
   * The payment provider (the environment builds it from PAYMENT_PROVIDER_*; tests may pass a client of
   * a local provider of their own). Absent: billing starts the local payment provider in-process.
   */
  paymentProvider?: PaymentProvider;
  /** How the in-process local payment provider runs (only without `paymentProvider`). */
  localPaymentProvider?: Omit<LocalPaymentProviderOptions, 'logger' | 'webhookUrl'>;
  /** How the payment dispatcher polls and retries. */
  paymentDispatch?: PaymentDispatchOptions;
  /** See `BillingDependencies.onPaymentSettled`. */
  onPaymentSettled?: PaymentSettledHook<Prisma.TransactionClient>;
  /**
   * The keys billing info's personal data is encrypted with (BILLING_PII_KEYRING, required for the
   * process). Without one, reading or changing billing info fails; everything else works.
   */
  piiKeyring?: FieldKeyring;
}

export type BillingServiceOptions = ServiceStartOptions & BillingOptions;

/** billing: plans and their feature matrix, organization subscriptions (provisioned at sign-up), payments. */
const definition = defineService<Database, BillingDependencies, BillingOptions, BillingEnvironment>({
  name: 'billing',
  defaultPort: 4004,
  sourceDirectory: __dirname,
  database: (url, options) => observeQueries(new PrismaClient(prismaClientOptions(url)), options),
  modules,
  dependencies: (foundation, options): BillingDependencies => {
    // `start` below always gives one (the local provider's client when none is configured).
    if (!options.paymentProvider)
      throw new Error('billing needs a payment provider: start it with startBillingService');
    const clock = options.clock ?? systemClock;
    const piiCipher = options.piiKeyring ? fieldCipher(options.piiKeyring) : null;
    const collaborators = subscriptionCollaborators(piiCipher);
    return {
      ...withTenants(foundation),
      clock,
      subscriptionCollaborators: collaborators,
      piiCipher,
      paymentProvider: options.paymentProvider,
      // A payment's final status moves its invoice and subscription in the transaction that records it.
      onPaymentSettled:
        options.onPaymentSettled ??
        ((tx, settled) => settlePayment(subscriptionTransaction(tx, collaborators), settled, clock.now())),
    };
  },
  consumers: async (dependencies, messaging, options) =>
    options.consumers === false
      ? []
      : [
          await startProvisioningConsumer(dependencies, messaging, options),
          await startUsageConsumer(dependencies, messaging, options),
          await startUserConsumer(dependencies, messaging, options),
        ],
  jobs: (dependencies, options) => [
    startSubscriptionScheduler(dependencies, {
      intervalMs: options.subscriptionSchedulerIntervalMs ?? 60_000,
      logger: options.logger,
    }),
    startPaymentDispatcher(
      { ...dependencies, provider: dependencies.paymentProvider },
      { databaseUrl: options.databaseUrl, ...options.paymentDispatch },
    ),
  ],
  routes: (dependencies) => ({
    [PAYMENT_WEBHOOK_PATH]: paymentWebhookRoute({ ...dependencies, provider: dependencies.paymentProvider }),
  }),
  environment: billingEnvironment,
});

/**
 * Starts billing. Without a configured payment provider it first starts the local payment provider
 * (in-process, on its own port) and, once billing listens, points the local provider's webhooks at
 * billing's `/webhooks/payments` at the address it actually listens on.
 */
async function start(options: BillingServiceOptions) {
  let local: LocalPaymentProvider | null = null;
  let paymentProvider = options.paymentProvider;
  if (!paymentProvider) {
    local = await startLocalPaymentProvider({
      ...options.localPaymentProvider,
      logger: options.logger.child({ component: 'local-payment-provider' }),
    });
    paymentProvider = httpPaymentProvider({
      name: LOCAL_PAYMENT_PROVIDER,
      baseUrl: local.url,
      secretKey: local.secretKey,
      webhookSecret: local.webhookSecret,
    });
  }
  let running;
  try {
    running = await definition.start({ ...options, paymentProvider });
  } catch (error) {
    await local?.close();
    throw error;
  }
  local?.setWebhookUrl(`${running.url}${PAYMENT_WEBHOOK_PATH}`);
  const service = running;
  return {
    ...service,
    paymentProvider,
    /** The in-process local payment provider; null when a provider was configured. */
    localPaymentProvider: local,
    async close() {
      // The provider first: no webhook is delivered to a billing that is closing.
      await local?.close();
      await service.close();
    },
  };
}

export const billingService = { ...definition, start };
export type BillingService = Awaited<ReturnType<typeof start>>;
export const startBillingService = start;
export { manualClock, systemClock, type Clock, type ManualClock } from './clock';
