/**
 * The payment dispatcher: sends requested payment attempts to the provider after the transaction that
 * requested them committed — never from inside it, so a rolled-back invoice charges nothing and a slow
 * provider holds no transaction open. Woken at once by the commit's NOTIFY, and polls besides (a
 * missed notification, a retry that is due, another replica's expired claim). Every attempt is sent
 * with the idempotency key `<invoiceId>:<attempt>`: sent twice (a crash between the call and the
 * write, two replicas), it is still one payment. Each pass also keeps the provider-side subscriptions
 * in step with billing's (`provider-subscriptions.ts`).
 */
import type { Logger, TenantDatabase } from '@platform/service-kit';
import { Client } from 'pg';
import type { Clock } from '../../../clock';
import type { Prisma } from '../../../generated/prisma/client';
import {
  dispatchRetryDelayMs,
  idempotencyKeyOf,
  NO_PAYMENT_METHOD,
  paymentMetadataOf,
  type PaymentAttempt,
} from '../domain/payment-attempt';
import {
  PaymentMethodRejectedError,
  PaymentProviderError,
  ProviderCustomerMissingError,
  type PaymentProvider,
  type ProviderPayment,
} from '../domain/payment-provider';
import {
  claimDueAttempt,
  failRequestedAttempt,
  PAYMENT_REQUESTED_CHANNEL,
  postponeAttempt,
  recordProviderPayment,
  type SettledHook,
} from './payment-attempts';
import { paymentCustomerOf } from './payment-repository';
import { providerSubscriptionSync } from './provider-subscriptions';

type Transaction = Prisma.TransactionClient;

export interface PaymentDispatchOptions {
  /** How often it looks for attempts to send when nothing woke it (default 5 s). */
  pollIntervalMs?: number;
  /** The wait after the provider could not be reached, doubling per failed try (default 1 s)… */
  retryDelayMs?: number;
  /** …up to this (default 5 min). The attempt stays requested meanwhile. */
  maxRetryDelayMs?: number;
  /** Attempts handled per look (default 20). */
  batchSize?: number;
  /**
   * How long an attempt may wait for the provider's outcome (processing, requires_action) before the
   * dispatcher asks the provider itself, in case its webhook was lost for good (default 15 min); each
   * such attempt is asked again at most this often.
   */
  reconcileAfterMs?: number;
}

export interface PaymentDispatcherDependencies {
  tenants: TenantDatabase<Transaction>;
  provider: PaymentProvider;
  /** Billing's clock: when attempts settle (the invoice's lifecycle reads it). */
  clock: Clock;
  logger: Logger;
  /** Woken after a settlement committed (the hook may have written events). */
  outbox: { notify(): void };
  onPaymentSettled?: SettledHook;
}

/** How long a claimed attempt is left to the dispatcher that claimed it before another may send it. */
const CLAIM_LEASE_MS = 60_000;

export interface PaymentDispatcher {
  /** Looks for work now (tests; `requestPayment`'s NOTIFY does this after commit). */
  wake(): void;
  stop(): Promise<void>;
}

export function startPaymentDispatcher(
  dependencies: PaymentDispatcherDependencies,
  options: PaymentDispatchOptions & { databaseUrl: string },
): PaymentDispatcher {
  const { tenants, provider, clock, outbox, onPaymentSettled } = dependencies;
  const logger = dependencies.logger.child({ component: 'payment-dispatcher' });
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  const retryDelayMs = options.retryDelayMs ?? 1_000;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 300_000;
  const batchSize = options.batchSize ?? 20;
  const reconcileAfterMs = options.reconcileAfterMs ?? 900_000;
  /** When each waiting attempt was last asked about (so one is asked at most every reconcileAfterMs). */
  const asked = new Map<string, number>();
  // Provider-side subscriptions are kept in step on the same passes: after commits, never inside one.
  const subscriptions = providerSubscriptionSync(
    { tenants, provider, logger },
    { batchSize, retryDelayMs, maxRetryDelayMs },
  );

  let stopped = false;
  let woken = false;
  let napping: (() => void) | null = null;
  let listener: Client | null = null;

  const wake = (): void => {
    woken = true;
    napping?.();
  };

  /**
   * The dispatcher's own connection: it LISTENs for requests and runs the cross-tenant look for due
   * attempts (outside Prisma, so the service's statement counts only see the work it does). Reopened
   * after it fails; until then polling carries on.
   */
  async function connection(): Promise<Client> {
    if (listener) return listener;
    const client = new Client({ connectionString: options.databaseUrl });
    const drop = (error?: Error) => {
      if (error && !stopped) logger.warn({ err: error }, 'dispatcher connection lost');
      if (listener === client) listener = null;
    };
    client.on('error', drop);
    client.on('end', () => drop());
    client.on('notification', wake);
    await client.connect();
    await client.query(`LISTEN ${PAYMENT_REQUESTED_CHANNEL}`);
    listener = client;
    return client;
  }

  /** Requested attempts that are due, of every organization (the policy's narrow door). */
  async function dueAttempts(): Promise<Array<{ id: string; organization_id: string }>> {
    const client = await connection();
    await client.query('BEGIN');
    try {
      await client.query(`SELECT set_config('app.payment_dispatch', 'on', true)`);
      const { rows } = await client.query<{ id: string; organization_id: string }>(
        `SELECT "id", "organization_id" FROM "payment_attempts"
          WHERE "status" = 'requested' AND "next_dispatch_at" <= $1
          ORDER BY "next_dispatch_at" LIMIT $2`,
        [new Date(), batchSize],
      );
      await client.query('COMMIT');
      return rows;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** Attempts waiting for the provider's outcome longer than reconcileAfterMs, of every organization. */
  async function waitingAttempts(): Promise<
    Array<{
      id: string;
      organization_id: string;
      invoice_id: string;
      attempt: number;
      provider_payment_id: string;
    }>
  > {
    const client = await connection();
    await client.query('BEGIN');
    try {
      await client.query(`SELECT set_config('app.payment_dispatch', 'on', true)`);
      const { rows } = await client.query<{
        id: string;
        organization_id: string;
        invoice_id: string;
        attempt: number;
        provider_payment_id: string;
      }>(
        `SELECT "id", "organization_id", "invoice_id", "attempt", "provider_payment_id" FROM "payment_attempts"
          WHERE "status" IN ('processing', 'requires_action') AND "provider_payment_id" IS NOT NULL
            AND "updated_at" <= $1
          ORDER BY "updated_at" LIMIT $2`,
        [new Date(Date.now() - reconcileAfterMs), batchSize],
      );
      await client.query('COMMIT');
      return rows;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /**
   * Asks the provider about attempts whose outcome never arrived (a webhook lost for good) and records
   * what it says, exactly as a webhook would have: the settled hook runs once, as ever.
   */
  async function reconcile(): Promise<void> {
    const now = Date.now();
    for (const [id, at] of asked) if (now - at >= reconcileAfterMs) asked.delete(id);
    for (const row of await waitingAttempts()) {
      if (stopped) return;
      if (asked.has(row.id)) continue;
      asked.set(row.id, now);
      try {
        const payment = await provider.retrievePayment(row.provider_payment_id);
        await settling(row.organization_id, async (tx) => {
          const outcome = await recordProviderPayment(
            tx,
            { invoiceId: row.invoice_id, attempt: row.attempt },
            provider.name,
            payment,
            clock.now(),
            onPaymentSettled,
          );
          return outcome.kind === 'applied' && outcome.settled;
        });
      } catch (error) {
        logger.warn({ err: error, attemptId: row.id }, 'asking the provider about a waiting payment failed');
      }
    }
  }

  /** Runs `work` in the organization's tenant transaction; wakes the relay when it settled an attempt. */
  async function settling(
    organizationId: string,
    work: (tx: Transaction) => Promise<boolean>,
  ): Promise<void> {
    const settled = await tenants.transaction(organizationId, work);
    if (settled) outbox.notify();
  }

  async function send(
    attempt: PaymentAttempt,
    customerId: string,
  ): Promise<ProviderPayment | PaymentProviderError> {
    try {
      return await provider.createPayment({
        customerId,
        amountCents: attempt.amountCents,
        currency: attempt.currency,
        metadata: paymentMetadataOf(attempt),
        idempotencyKey: idempotencyKeyOf(attempt),
      });
    } catch (error) {
      if (error instanceof PaymentProviderError) return error;
      throw error;
    }
  }

  async function dispatch(id: string, organizationId: string): Promise<void> {
    const now = new Date();
    // Wall-clock time schedules the dispatcher (billing's clock may stand still in tests).
    const claim = await tenants.transaction(organizationId, async (tx) => {
      const claimed = await claimDueAttempt(tx, id, now, new Date(now.getTime() + CLAIM_LEASE_MS));
      if (!claimed) return null;
      const customer = await paymentCustomerOf(tx, organizationId);
      if (customer?.provider === provider.name && customer.paymentMethodId !== null) {
        return { ...claimed, customerId: customer.customerId };
      }
      // Nothing to charge: the attempt fails at once, without a call to the provider.
      const failure = {
        code: NO_PAYMENT_METHOD,
        message: 'The organization has no payment method on file',
        provider: null,
      };
      return {
        settled: await failRequestedAttempt(tx, claimed.attempt, failure, clock.now(), onPaymentSettled),
      };
    });
    if (!claim) return;
    if ('settled' in claim) {
      if (claim.settled) outbox.notify();
      return;
    }
    const { attempt, tries, customerId } = claim;
    const result = await send(attempt, customerId);
    if (result instanceof PaymentProviderError) {
      if (result.retryable) {
        const delay = dispatchRetryDelayMs(tries, retryDelayMs, maxRetryDelayMs);
        logger.warn({ attemptId: id, tries, delay, err: result }, 'payment provider unreachable; will retry');
        await tenants.transaction(organizationId, (tx) =>
          postponeAttempt(tx, id, new Date(Date.now() + delay), result.message),
        );
        return;
      }
      // Refused for good (the provider's code says why): the attempt fails. A customer or card the
      // provider does not know (any more) is no payment method.
      logger.warn({ attemptId: id, code: result.code }, 'payment provider refused the charge');
      const unusable =
        result instanceof ProviderCustomerMissingError || result instanceof PaymentMethodRejectedError;
      const failure = {
        code: unusable ? NO_PAYMENT_METHOD : result.code,
        message: result.message,
        provider: provider.name,
      };
      await settling(organizationId, (tx) =>
        failRequestedAttempt(tx, attempt, failure, clock.now(), onPaymentSettled),
      );
      return;
    }
    await settling(organizationId, async (tx) => {
      const outcome = await recordProviderPayment(
        tx,
        attempt,
        provider.name,
        result,
        clock.now(),
        onPaymentSettled,
      );
      if (outcome.kind === 'ignored')
        logger.warn({ attemptId: id, reason: outcome.reason }, 'payment not recorded');
      return outcome.kind === 'applied' && outcome.settled;
    });
  }

  /** One look: sends what is due; true when there may be more right away. */
  async function look(): Promise<boolean> {
    const due = await dueAttempts();
    for (const row of due) {
      if (stopped) return false;
      try {
        await dispatch(row.id, row.organization_id);
      } catch (error) {
        // Its claim expires and it is tried again; the others go ahead.
        logger.error({ err: error, attemptId: row.id }, 'dispatching a payment attempt failed');
      }
    }
    return due.length === batchSize;
  }

  const nap = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        napping = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      napping = done;
    });

  const running = (async () => {
    while (!stopped) {
      woken = false;
      let more = false;
      try {
        more = await look();
        await reconcile();
        await subscriptions.pass(await connection(), () => stopped);
      } catch (error) {
        if (!stopped) logger.warn({ err: error }, 'looking for payment attempts failed');
      }
      if (!more && !woken && !stopped) await nap(pollIntervalMs);
    }
  })();

  return {
    wake,
    async stop() {
      stopped = true;
      napping?.();
      await running;
      const client = listener;
      listener = null;
      await client?.end().catch(() => undefined);
    },
  };
}
