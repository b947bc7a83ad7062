/**
 * Keeps each organization subscription's provider-side subscription in step with it (domain rules in
 * `domain/provider-subscription.ts`): a pass of the payment dispatcher finds the subscriptions whose
 * provider-side subscription is missing or is to be canceled, asks the provider outside any
 * transaction, and records the answer in the organization's transaction only if the subscription's
 * reference is still what it read (another replica or pass may have been first). A provider that cannot
 * be reached, or refuses, leaves the subscription as it was: the next passes try again after a wait
 * that doubles per failure, so nothing is lost and nothing is hammered.
 */
import type { Logger, TenantDatabase } from '@platform/service-kit';
import type { Client } from 'pg';
import type { Prisma } from '../../../generated/prisma/client';
import { dispatchRetryDelayMs } from '../domain/payment-attempt';
import {
  PaymentProviderError,
  ProviderCustomerMissingError,
  ProviderSubscriptionMissingError,
  type PaymentProvider,
} from '../domain/payment-provider';
import { providerSubscriptionAction, type SubscriptionAtProvider } from '../domain/provider-subscription';
import { paymentCustomerOf } from './payment-repository';

type Transaction = Prisma.TransactionClient;

export interface ProviderSubscriptionSyncOptions {
  /** Subscriptions handled per pass. */
  batchSize: number;
  /** The wait after a failure, doubling per failure in a row… */
  retryDelayMs: number;
  /** …up to this. */
  maxRetryDelayMs: number;
}

export interface ProviderSubscriptionSync {
  /** One pass over what is due, using `client` (the dispatcher's own connection) for the look. */
  pass(client: Client, stopped: () => boolean): Promise<void>;
}

/** What one subscription's handling came to (the tests and the log read it). */
export type SyncOutcome = 'created' | 'canceled' | 'unchanged' | 'failed';

async function subscriptionAtProvider(tx: Transaction, id: string): Promise<SubscriptionAtProvider | null> {
  const row = await tx.organizationSubscription.findUnique({
    where: { id },
    select: {
      id: true,
      organizationId: true,
      planId: true,
      status: true,
      seatPriceMonthlyCents: true,
      externalReference: true,
      externalProvider: true,
      externalCanceledAt: true,
    },
  });
  return row;
}

export function providerSubscriptionSync(
  dependencies: { tenants: TenantDatabase<Transaction>; provider: PaymentProvider; logger: Logger },
  options: ProviderSubscriptionSyncOptions,
): ProviderSubscriptionSync {
  const { tenants, provider, logger } = dependencies;
  /** Subscriptions that failed: how many times in a row, and not before when they are tried again. */
  const waiting = new Map<string, { failures: number; until: number }>();

  /** Subscriptions whose provider-side subscription is missing or to be canceled, any organization. */
  async function due(client: Client): Promise<Array<{ id: string; organization_id: string }>> {
    const now = Date.now();
    for (const [id, wait] of waiting) if (wait.until <= now) waiting.delete(id);
    const skipped = [...waiting.keys()];
    await client.query('BEGIN');
    try {
      await client.query(`SELECT set_config('app.provider_subscription_sync', 'on', true)`);
      const { rows } = await client.query<{ id: string; organization_id: string }>(
        `(SELECT s."id", s."organization_id" FROM "organization_subscriptions" s
           WHERE s."status" IN ('pending', 'active', 'past_due') AND s."seat_price_monthly_cents" > 0
             AND (s."external_reference" IS NULL OR s."external_canceled_at" IS NOT NULL)
             AND EXISTS (SELECT 1 FROM "payment_customers" c
                          WHERE c."organization_id" = s."organization_id" AND c."provider" = $1)
             AND NOT (s."id" = ANY($2::uuid[]))
           ORDER BY s."updated_at" LIMIT $3)
         UNION ALL
         (SELECT s."id", s."organization_id" FROM "organization_subscriptions" s
           WHERE s."external_reference" IS NOT NULL AND s."external_canceled_at" IS NULL
             AND (s."status" IN ('canceled', 'expired') OR s."seat_price_monthly_cents" = 0)
             AND s."external_provider" = $1
             AND NOT (s."id" = ANY($2::uuid[]))
           ORDER BY s."updated_at" LIMIT $3)`,
        [provider.name, skipped, options.batchSize],
      );
      await client.query('COMMIT');
      return rows;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  function failed(id: string, error: unknown, context: Record<string, unknown>): SyncOutcome {
    const failures = (waiting.get(id)?.failures ?? 0) + 1;
    // A refusal for good (the customer is gone, the provider says no) waits the longest: it takes a
    // change on billing's side (a new card, so a new customer) before it can succeed.
    const refused = error instanceof PaymentProviderError && !error.retryable;
    const delay = refused
      ? options.maxRetryDelayMs
      : dispatchRetryDelayMs(failures, options.retryDelayMs, options.maxRetryDelayMs);
    waiting.set(id, { failures, until: Date.now() + delay });
    const code = error instanceof PaymentProviderError ? error.code : null;
    logger.warn(
      { err: error, subscriptionId: id, code, failures, delay, ...context },
      'provider subscription not in step yet; will retry',
    );
    return 'failed';
  }

  /** One subscription: read, ask the provider (no transaction open), record if still current. */
  async function handle(id: string, organizationId: string): Promise<SyncOutcome> {
    const seen = await tenants.transaction(organizationId, async (tx) => {
      const subscription = await subscriptionAtProvider(tx, id);
      const customer = await paymentCustomerOf(tx, organizationId);
      return subscription ? { subscription, customer } : null;
    });
    if (!seen) return 'unchanged';
    const { subscription } = seen;
    const action = providerSubscriptionAction(subscription, seen.customer, provider.name);
    if (action === null) return 'unchanged';
    const unchangedSince = {
      id,
      externalReference: subscription.externalReference,
      externalCanceledAt: subscription.externalCanceledAt,
    };
    if (action.type === 'create') {
      let created: { subscriptionId: string };
      try {
        created = await provider.createSubscription({
          customerId: action.customerId,
          metadata: action.metadata,
          idempotencyKey: action.idempotencyKey,
        });
      } catch (error) {
        if (error instanceof PaymentProviderError) {
          const missing = error instanceof ProviderCustomerMissingError;
          return failed(id, error, { action: 'create', customerMissing: missing });
        }
        throw error;
      }
      await tenants.transaction(organizationId, (tx) =>
        tx.organizationSubscription.updateMany({
          where: unchangedSince,
          data: {
            externalReference: created.subscriptionId,
            externalProvider: provider.name,
            externalCanceledAt: null,
          },
        }),
      );
      waiting.delete(id);
      return 'created';
    }
    try {
      await provider.cancelSubscription(action.externalReference);
    } catch (error) {
      // Unknown to the provider: there is nothing left to cancel there.
      if (!(error instanceof ProviderSubscriptionMissingError)) {
        if (error instanceof PaymentProviderError) return failed(id, error, { action: 'cancel' });
        throw error;
      }
    }
    await tenants.transaction(organizationId, (tx) =>
      tx.organizationSubscription.updateMany({
        where: unchangedSince,
        data: { externalCanceledAt: new Date() },
      }),
    );
    waiting.delete(id);
    return 'canceled';
  }

  return {
    async pass(client, stopped) {
      for (const row of await due(client)) {
        if (stopped()) return;
        try {
          const outcome = await handle(row.id, row.organization_id);
          if (outcome === 'created' || outcome === 'canceled') {
            logger.info({ subscriptionId: row.id, outcome }, 'provider subscription in step');
          }
        } catch (error) {
          failed(row.id, error, {});
        }
      }
    },
  };
}
