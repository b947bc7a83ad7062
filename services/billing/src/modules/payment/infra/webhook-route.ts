/**
 * `POST /webhooks/payments`: where the payment provider delivers its events. Unauthenticated like every
 * provider's webhook endpoint: the signature over the raw body is the authentication. A delivery that
 * is not signed right, is stale or is not an event is refused (400), counted, and never stored. A good
 * one is handled once per (provider, event id); its payment is fetched again from the provider and its
 * CURRENT status applied, so late, repeated and reordered deliveries all end in the provider's truth.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  readRawBody,
  sendJson,
  withFlag,
  type Logger,
  type RouteHandler,
  type TenantDatabase,
} from '@platform/service-kit';
import { Counter, type Registry } from 'prom-client';
import type { Clock } from '../../../clock';
import type { Database } from '../../../service';
import type { Prisma } from '../../../generated/prisma/client';
import { attemptKeyOf } from '../domain/payment-attempt';
import {
  PaymentProviderError,
  WebhookPayloadError,
  WebhookSignatureError,
  type PaymentProvider,
} from '../domain/payment-provider';
import { recordProviderPayment, type SettledHook } from './payment-attempts';

export const PAYMENT_WEBHOOK_PATH = '/webhooks/payments';

/** Providers send events of a few kilobytes; anything near this is not one. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

/** What became of a delivery (the `outcome` label of `payment_webhooks_total`). */
export type WebhookOutcome =
  | 'applied'
  | 'duplicate'
  | 'ignored'
  | 'invalid_signature'
  | 'stale_signature'
  | 'malformed'
  | 'too_large'
  | 'provider_unavailable'
  | 'failed';

export interface PaymentWebhookDependencies {
  database: Database;
  tenants: TenantDatabase<Prisma.TransactionClient>;
  provider: PaymentProvider;
  clock: Clock;
  logger: Logger;
  outbox: { notify(): void };
  metrics: { registry: Registry };
  onPaymentSettled?: SettledHook;
}

/** The raw body, or null once it passes `limit` bytes (the rest is not read). */
function headersOf(request: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

export function paymentWebhookRoute(dependencies: PaymentWebhookDependencies): RouteHandler {
  const { database, tenants, provider, clock, outbox, onPaymentSettled } = dependencies;
  const logger = dependencies.logger.child({ component: 'payment-webhooks' });
  const deliveries = new Counter({
    name: 'payment_webhooks_total',
    help: 'Payment-provider webhook deliveries, by outcome (applied, duplicate, ignored, or why one was refused).',
    labelNames: ['outcome'] as const,
    registers: [dependencies.metrics.registry],
  });

  const answer = (response: ServerResponse, outcome: WebhookOutcome, status: number, body: unknown) => {
    deliveries.inc({ outcome });
    sendJson(response, status, body);
  };
  const refuse = (response: ServerResponse, outcome: WebhookOutcome, status: number, message: string) =>
    answer(response, outcome, status, { error: { code: outcome, message } });

  return async (request, response) => {
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      sendJson(response, 405, { error: { code: 'method_not_allowed', message: 'use POST' } });
      return;
    }
    const body = await readRawBody(request, MAX_WEBHOOK_BYTES);
    if (!body) {
      response.setHeader('connection', 'close');
      refuse(response, 'too_large', 413, `a webhook body is at most ${MAX_WEBHOOK_BYTES} bytes`);
      return;
    }
    let event;
    try {
      event = provider.verifyWebhook(body, headersOf(request));
    } catch (error) {
      if (error instanceof WebhookSignatureError) {
        const outcome = error.problem === 'stale' ? 'stale_signature' : 'invalid_signature';
        refuse(response, outcome, 400, error.message);
        return;
      }
      if (error instanceof WebhookPayloadError) {
        refuse(response, 'malformed', 400, error.message);
        return;
      }
      throw error;
    }
    const received = { received: true, eventId: event.eventId };
    if (event.paymentId === null) {
      answer(response, 'ignored', 200, received);
      return;
    }
    // A redelivery is answered without asking the provider anything.
    const seen = await withFlag(database, 'payment_webhooks', (tx) =>
      tx.paymentWebhookEvent.findUnique({
        where: { provider_eventId: { provider: provider.name, eventId: event.eventId } },
        select: { eventId: true },
      }),
    );
    if (seen) {
      answer(response, 'duplicate', 200, { ...received, duplicate: true });
      return;
    }
    let payment;
    try {
      payment = await provider.retrievePayment(event.paymentId);
    } catch (error) {
      if (!(error instanceof PaymentProviderError)) throw error;
      if (error.retryable) {
        // Not handled yet: the provider delivers it again later.
        logger.warn({ err: error, eventId: event.eventId }, 'payment provider unreachable for a webhook');
        refuse(response, 'provider_unavailable', 503, 'the payment provider could not be reached');
        return;
      }
      // The provider knows no such payment: asking again will not change that.
      logger.warn({ err: error, eventId: event.eventId }, 'webhook names a payment the provider refuses');
      answer(response, 'ignored', 200, received);
      return;
    }
    const key = attemptKeyOf(payment);
    if (!key) {
      // A payment billing did not ask for (made in the provider's dashboard, say): nothing of ours.
      answer(response, 'ignored', 200, received);
      return;
    }
    const handling = tenants.transaction(key.organizationId, async (tx) => {
      const { count } = await tx.paymentWebhookEvent.createMany({
        data: [
          {
            provider: provider.name,
            eventId: event.eventId,
            organizationId: key.organizationId,
            eventType: event.type,
            paymentId: event.paymentId,
          },
        ],
        skipDuplicates: true,
      });
      // Delivered twice at once: the other delivery handles it.
      if (count === 0) return 'duplicate' as const;
      return recordProviderPayment(tx, key, provider.name, payment, clock.now(), onPaymentSettled);
    });
    // A failure (the settled hook's, say) rolls everything back, the event's mark too: the kit answers
    // 500 and the provider delivers the event again.
    const outcome = await handling.catch((error: unknown) => {
      deliveries.inc({ outcome: 'failed' });
      throw error;
    });
    if (outcome === 'duplicate') {
      answer(response, 'duplicate', 200, { ...received, duplicate: true });
      return;
    }
    if (outcome.kind === 'ignored') {
      logger.warn({ eventId: event.eventId, reason: outcome.reason }, 'webhook not applied');
    }
    if (outcome.kind === 'applied' && outcome.settled) outbox.notify();
    answer(response, outcome.kind === 'ignored' ? 'ignored' : 'applied', 200, received);
  };
}
