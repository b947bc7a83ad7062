/**
 * `PaymentProvider` over HTTP: the REST API and signed webhooks of the local payment provider (shaped
 * like the major providers'). Billing talks to the local provider through this client exactly as it
 * would to a configured one: same calls, same idempotency keys, same webhook verification.
 */
import { z } from 'zod';
import type { Clock } from '../../../clock';
import { systemClock } from '../../../clock';
import {
  PAYMENT_STATUSES,
  PaymentMethodRejectedError,
  PaymentProviderError,
  ProviderCustomerMissingError,
  ProviderSubscriptionMissingError,
  WebhookPayloadError,
  type PaymentProvider,
  type ProviderPayment,
  type ProviderWebhookEvent,
} from '../domain/payment-provider';
import { SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS, verifySignature } from './webhook-signature';

export interface HttpPaymentProviderOptions {
  /** The name stored with every id billing keeps from this provider (`local`). */
  name: string;
  /** The provider's base URL; the API is under `/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <secretKey>`. */
  secretKey: string;
  /** Verifies webhook signatures. */
  webhookSecret: string;
  /** How far a webhook's timestamp may be from now (default 300 s). */
  toleranceSeconds?: number;
  /** The wall clock webhook timestamps are checked against (tests pass another). */
  clock?: Clock;
  /** Per request (default 10 s): an unanswered call is retryable, not a hang. */
  timeoutMs?: number;
}

const metadata = z.record(z.string(), z.string());

const customerSchema = z.object({ id: z.string(), object: z.literal('customer') });

const paymentMethodSchema = z.object({
  id: z.string(),
  object: z.literal('payment_method'),
  card: z.object({
    brand: z.string(),
    last4: z.string(),
    exp_month: z.number().int(),
    exp_year: z.number().int(),
  }),
});

const subscriptionSchema = z.object({ id: z.string(), object: z.literal('subscription') });

const paymentSchema = z.object({
  id: z.string(),
  object: z.literal('payment'),
  amount: z.number().int(),
  currency: z.string(),
  status: z.enum(PAYMENT_STATUSES),
  metadata: metadata.default({}),
  failure_code: z.string().nullable().default(null),
  failure_message: z.string().nullable().default(null),
  next_action: z
    .object({ type: z.literal('redirect_to_url'), redirect_to_url: z.object({ url: z.string() }) })
    .nullable()
    .default(null),
});

const eventSchema = z.object({
  id: z.string().min(1),
  object: z.literal('event'),
  type: z.string().min(1),
  created: z.number().int().nonnegative(),
  data: z.object({ object: z.looseObject({ id: z.string().optional(), object: z.string().optional() }) }),
});

const errorSchema = z.object({
  error: z.object({
    type: z.string(),
    code: z.string().nullish(),
    message: z.string().nullish(),
    param: z.string().nullish(),
  }),
});

function toPayment(payment: z.infer<typeof paymentSchema>): ProviderPayment {
  return {
    paymentId: payment.id,
    status: payment.status,
    amountCents: BigInt(payment.amount),
    currency: payment.currency,
    metadata: payment.metadata,
    failureCode: payment.failure_code,
    failureMessage: payment.failure_message,
    nextActionUrl: payment.next_action?.redirect_to_url.url ?? null,
  };
}

/** HTTP statuses after which the same call may succeed later (rate limited, the provider's own failure). */
const retryableStatus = (status: number): boolean => status === 409 || status === 429 || status >= 500;

export function httpPaymentProvider(options: HttpPaymentProviderOptions): PaymentProvider {
  const base = options.baseUrl.replace(/\/+$/, '');
  const clock = options.clock ?? systemClock;
  const tolerance = options.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function call<T>(
    schema: z.ZodType<T>,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    request: { body?: unknown; idempotencyKey?: string } = {},
  ): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.secretKey}`,
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(request.idempotencyKey ? { 'idempotency-key': request.idempotencyKey } : {}),
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new PaymentProviderError(
        `${options.name}: ${method} ${path} failed: ${reason}`,
        'provider_unavailable',
        true,
      );
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new PaymentProviderError(
        `${options.name}: ${method} ${path} answered HTTP ${response.status} without JSON`,
        'provider_unavailable',
        true,
      );
    }
    if (!response.ok) {
      const error = errorSchema.safeParse(body);
      const code = (error.success ? error.data.error.code : null) ?? `http_${response.status}`;
      const message = (error.success ? error.data.error.message : null) ?? `HTTP ${response.status}`;
      const param = error.success ? error.data.error.param : null;
      if (code === 'resource_missing' && param === 'customer')
        throw new ProviderCustomerMissingError(message);
      if (code === 'resource_missing' && param === 'subscription')
        throw new ProviderSubscriptionMissingError(message);
      // An unknown token, or (charging) a customer without a usable card: the payment method is refused.
      if ((code === 'resource_missing' && param === 'payment_method') || code === 'payment_method_missing') {
        throw new PaymentMethodRejectedError(message, code);
      }
      throw new PaymentProviderError(message, code, retryableStatus(response.status));
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new PaymentProviderError(
        `${options.name}: ${method} ${path} answered an unexpected body: ${parsed.error.message}`,
        'unexpected_response',
        false,
      );
    }
    return parsed.data;
  }

  return {
    name: options.name,

    async createCustomer(input) {
      const customer = await call(customerSchema, 'POST', '/v1/customers', {
        body: { email: input.email, name: input.name, metadata: { organizationId: input.organizationId } },
        idempotencyKey: input.idempotencyKey,
      });
      return { customerId: customer.id };
    },

    async attachPaymentMethod(input) {
      const method = await call(
        paymentMethodSchema,
        'POST',
        `/v1/payment_methods/${encodeURIComponent(input.token)}/attach`,
        { body: { customer: input.customerId } },
      );
      await call(customerSchema, 'POST', `/v1/customers/${encodeURIComponent(input.customerId)}`, {
        body: { invoice_settings: { default_payment_method: method.id } },
      });
      return {
        paymentMethodId: method.id,
        brand: method.card.brand,
        last4: method.card.last4,
        expMonth: method.card.exp_month,
        expYear: method.card.exp_year,
      };
    },

    async createSubscription(input) {
      const subscription = await call(subscriptionSchema, 'POST', '/v1/subscriptions', {
        body: { customer: input.customerId, metadata: input.metadata },
        idempotencyKey: input.idempotencyKey,
      });
      return { subscriptionId: subscription.id };
    },

    async cancelSubscription(subscriptionId) {
      await call(subscriptionSchema, 'DELETE', `/v1/subscriptions/${encodeURIComponent(subscriptionId)}`);
    },

    async createPayment(input) {
      // The wire carries amounts as JSON integers, exact up to 2^53 − 1 cents.
      if (input.amountCents > BigInt(Number.MAX_SAFE_INTEGER) || input.amountCents <= 0n) {
        throw new PaymentProviderError(
          `amount ${input.amountCents} is out of range`,
          'amount_out_of_range',
          false,
        );
      }
      const payment = await call(paymentSchema, 'POST', '/v1/payments', {
        body: {
          customer: input.customerId,
          amount: Number(input.amountCents),
          currency: input.currency,
          metadata: input.metadata,
        },
        idempotencyKey: input.idempotencyKey,
      });
      return toPayment(payment);
    },

    async retrievePayment(paymentId) {
      return toPayment(await call(paymentSchema, 'GET', `/v1/payments/${encodeURIComponent(paymentId)}`));
    },

    verifyWebhook(rawBody, headers): ProviderWebhookEvent {
      verifySignature({
        header: headers[SIGNATURE_HEADER],
        body: rawBody,
        secret: options.webhookSecret,
        now: clock.now(),
        toleranceSeconds: tolerance,
      });
      let json: unknown;
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch {
        throw new WebhookPayloadError('the body is not JSON');
      }
      const event = eventSchema.safeParse(json);
      if (!event.success) throw new WebhookPayloadError(`the body is not an event: ${event.error.message}`);
      const object = event.data.data.object;
      return {
        eventId: event.data.id,
        type: event.data.type,
        createdAt: new Date(event.data.created * 1000),
        paymentId: object.object === 'payment' && object.id ? object.id : null,
      };
    },
  };
}
