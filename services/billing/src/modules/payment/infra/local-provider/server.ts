/**
 * The local payment provider: a development and test stand-in for an external payment service. It
 * really charges nothing, but behaves like a provider: a REST API under `/v1` shaped like the major
 * providers' (secret-key bearer auth, `Idempotency-Key`, customers, payment methods attached by token,
 * subscriptions, payments decided asynchronously, an event log) and signed webhooks delivered to one
 * endpoint with retries. Its state lives in memory: a restart forgets every object, as a fresh test
 * account would. Billing starts it in-process when no provider is configured.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '@platform/service-kit';
import { z } from 'zod';
import { signatureHeader, SIGNATURE_HEADER } from '../webhook-signature';
import {
  AUTHENTICATION_FAILED,
  TEST_CARD_EXPIRY_MONTH,
  TEST_CARD_EXPIRY_YEARS_AHEAD,
  TEST_CARDS,
  type TestCard,
} from './test-cards';

/** The provider name billing stores with the ids it keeps from the local payment provider. */
export const LOCAL_PAYMENT_PROVIDER = 'local';

export interface LocalPaymentProviderOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The secret key API calls must present as a bearer token (default: generated). */
  secretKey?: string;
  /** The secret webhooks are signed with (default: generated). */
  webhookSecret?: string;
  /** Where events are delivered (set later with `setWebhookUrl`); null: kept in the log only. */
  webhookUrl?: string | null;
  /** How long a payment stays `processing` before its outcome is decided (default 1000 ms). */
  outcomeDelayMs?: number;
  /** Webhook deliveries: tries until a 2xx, doubling the wait between them. */
  webhookRetry?: { maxAttempts?: number; initialDelayMs?: number; maxDelayMs?: number; timeoutMs?: number };
  logger?: Logger;
}

export interface LocalPaymentProvider {
  /** The base URL (`http://127.0.0.1:<port>`); the API is under `/v1`. */
  readonly url: string;
  readonly secretKey: string;
  readonly webhookSecret: string;
  /** Where events go from now on (null: nowhere). */
  setWebhookUrl(url: string | null): void;
  close(): Promise<void>;
}

type PaymentStatus = 'processing' | 'requires_action' | 'succeeded' | 'failed';

interface CustomerObject {
  id: string;
  email: string | null;
  name: string | null;
  metadata: Record<string, string>;
  defaultPaymentMethod: string | null;
  created: number;
}

interface PaymentMethodObject {
  id: string;
  customer: string | null;
  card: TestCard;
  expYear: number;
  created: number;
}

interface SubscriptionObject {
  id: string;
  customer: string;
  status: 'active' | 'canceled';
  metadata: Record<string, string>;
  created: number;
  /** Unix seconds; null while active. */
  canceledAt: number | null;
}

interface PaymentObject {
  id: string;
  amount: number;
  currency: string;
  customer: string;
  paymentMethod: string;
  status: PaymentStatus;
  metadata: Record<string, string>;
  failureCode: string | null;
  failureMessage: string | null;
  clientSecret: string;
  created: number;
}

interface EventObject {
  id: string;
  type: string;
  created: number;
  /** The body every delivery of the event sends (the payment as it was when the event happened). */
  body: string;
  pendingWebhooks: number;
  deliveryAttempts: number;
}

/** An API error in the providers' shape. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: 'invalid_request_error' | 'authentication_error' | 'idempotency_error' | 'api_error',
    readonly code: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

interface Answer {
  status: number;
  /** Read when answering (a replayed idempotent request answers the object as it is now). */
  body: () => unknown;
}

const MAX_BODY_BYTES = 1024 * 1024;
const metadataSchema = z.record(z.string().max(100), z.string().max(500)).default({});
const customerInput = z.object({
  email: z.string().max(512).nullish(),
  name: z.string().max(256).nullish(),
  metadata: metadataSchema,
});
const customerUpdate = z.object({
  email: z.string().max(512).nullish(),
  name: z.string().max(256).nullish(),
  metadata: z.record(z.string().max(100), z.string().max(500)).optional(),
  invoice_settings: z.object({ default_payment_method: z.string().nullable() }).optional(),
});
const attachInput = z.object({ customer: z.string() });
const subscriptionInput = z.object({ customer: z.string(), metadata: metadataSchema });
const paymentInput = z.object({
  customer: z.string(),
  amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  currency: z.string().regex(/^[a-z]{3}$/),
  payment_method: z.string().optional(),
  metadata: metadataSchema,
});
const authenticateInput = z.object({ result: z.enum(['approve', 'decline']) });

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

const unixNow = (): number => Math.floor(Date.now() / 1000);

function parsed<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue?.path.join('.') || null;
  throw new ApiError(
    400,
    'invalid_request_error',
    'parameter_invalid',
    `Invalid ${param ?? 'request'}: ${issue?.message ?? 'invalid'}`,
    param,
  );
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      throw new ApiError(413, 'invalid_request_error', 'body_too_large', 'The request body is too large');
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** A JSON body, or a form (the authentication page posts one); an empty body is `{}`. */
function bodyOf(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return {};
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError(400, 'invalid_request_error', 'invalid_json', 'The request body is not valid JSON');
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
  });
  response.end(payload);
}

function errorBody(error: ApiError) {
  return { error: { type: error.type, code: error.code, message: error.message, param: error.param } };
}

function authenticationPage(payment: PaymentObject, action: string): string {
  const amount = `${(payment.amount / 100).toFixed(2)} ${payment.currency.toUpperCase()}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authenticate payment</title></head>
<body>
<h1>Local payment provider: authenticate a payment</h1>
<p>Payment ${payment.id} of ${amount} needs the card holder's approval (a stand-in for 3-D Secure).</p>
<form method="post" action="${action}"><input type="hidden" name="result" value="approve"><button>Approve</button></form>
<form method="post" action="${action}"><input type="hidden" name="result" value="decline"><button>Decline</button></form>
</body></html>`;
}

export async function startLocalPaymentProvider(
  options: LocalPaymentProviderOptions = {},
): Promise<LocalPaymentProvider> {
  const secretKey = options.secretKey ?? `sk_local_${randomBytes(24).toString('hex')}`;
  const webhookSecret = options.webhookSecret ?? `whsec_${randomBytes(24).toString('hex')}`;
  const outcomeDelayMs = options.outcomeDelayMs ?? 1000;
  const retry = {
    maxAttempts: options.webhookRetry?.maxAttempts ?? 8,
    initialDelayMs: options.webhookRetry?.initialDelayMs ?? 500,
    maxDelayMs: options.webhookRetry?.maxDelayMs ?? 60_000,
    timeoutMs: options.webhookRetry?.timeoutMs ?? 10_000,
  };
  const logger = options.logger;
  let webhookUrl = options.webhookUrl ?? null;
  let baseUrl = '';

  const customers = new Map<string, CustomerObject>();
  const paymentMethods = new Map<string, PaymentMethodObject>();
  const subscriptions = new Map<string, SubscriptionObject>();
  const payments = new Map<string, PaymentObject>();
  const events: EventObject[] = [];
  const idempotent = new Map<string, { fingerprint: string; answer: Answer }>();

  // Everything pending (outcome timers, waits between deliveries, deliveries in flight) stops on close.
  let closed = false;
  const timers = new Set<NodeJS.Timeout>();
  const wakers = new Set<() => void>();
  const inFlight = new AbortController();

  const later = (delayMs: number, work: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) work();
    }, delayMs);
    timers.add(timer);
  };
  const pause = (delayMs: number): Promise<void> =>
    new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, delayMs);
      wakers.add(wake);
    });

  const customerJson = (customer: CustomerObject) => ({
    id: customer.id,
    object: 'customer',
    email: customer.email,
    name: customer.name,
    metadata: customer.metadata,
    invoice_settings: { default_payment_method: customer.defaultPaymentMethod },
    created: customer.created,
    livemode: false,
  });
  const paymentMethodJson = (method: PaymentMethodObject) => ({
    id: method.id,
    object: 'payment_method',
    type: 'card',
    customer: method.customer,
    card: {
      brand: method.card.brand,
      last4: method.card.last4,
      exp_month: TEST_CARD_EXPIRY_MONTH,
      exp_year: method.expYear,
    },
    created: method.created,
    livemode: false,
  });
  const subscriptionJson = (subscription: SubscriptionObject) => ({
    id: subscription.id,
    object: 'subscription',
    customer: subscription.customer,
    status: subscription.status,
    metadata: subscription.metadata,
    created: subscription.created,
    canceled_at: subscription.canceledAt,
    livemode: false,
  });
  const authenticationUrl = (payment: PaymentObject) =>
    `${baseUrl}/v1/payments/${payment.id}/authenticate?client_secret=${payment.clientSecret}`;
  const paymentJson = (payment: PaymentObject) => ({
    id: payment.id,
    object: 'payment',
    amount: payment.amount,
    currency: payment.currency,
    customer: payment.customer,
    payment_method: payment.paymentMethod,
    status: payment.status,
    metadata: payment.metadata,
    failure_code: payment.failureCode,
    failure_message: payment.failureMessage,
    next_action:
      payment.status === 'requires_action'
        ? { type: 'redirect_to_url', redirect_to_url: { url: authenticationUrl(payment) } }
        : null,
    client_secret: payment.clientSecret,
    created: payment.created,
    livemode: false,
  });
  const eventJson = (event: EventObject) => ({
    ...(JSON.parse(event.body) as Record<string, unknown>),
    pending_webhooks: event.pendingWebhooks,
    delivery_attempts: event.deliveryAttempts,
  });

  async function deliver(event: EventObject, url: string): Promise<void> {
    event.pendingWebhooks = 1;
    for (let attempt = 1; attempt <= retry.maxAttempts && !closed; attempt += 1) {
      event.deliveryAttempts += 1;
      let outcome: string;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'user-agent': 'LocalPaymentProvider/1.0',
            // Signed anew for every try: the receiver's tolerance applies to the delivery, not the event.
            [SIGNATURE_HEADER]: signatureHeader(webhookSecret, unixNow(), event.body),
          },
          body: event.body,
          signal: AbortSignal.any([inFlight.signal, AbortSignal.timeout(retry.timeoutMs)]),
        });
        await response.arrayBuffer();
        if (response.ok) {
          event.pendingWebhooks = 0;
          return;
        }
        outcome = `HTTP ${response.status}`;
      } catch (error) {
        if (closed) return;
        outcome = error instanceof Error ? error.message : String(error);
      }
      logger?.warn({ eventId: event.id, attempt, outcome }, 'webhook delivery failed');
      if (attempt < retry.maxAttempts) {
        await pause(Math.min(retry.initialDelayMs * 2 ** (attempt - 1), retry.maxDelayMs));
      }
    }
    if (!closed) logger?.error({ eventId: event.id, url }, 'webhook delivery gave up');
  }

  function emit(type: string, payment: PaymentObject): void {
    const event: EventObject = {
      id: newId('evt'),
      type,
      created: unixNow(),
      body: '',
      pendingWebhooks: 0,
      deliveryAttempts: 0,
    };
    event.body = JSON.stringify({
      id: event.id,
      object: 'event',
      type,
      created: event.created,
      livemode: false,
      data: { object: paymentJson(payment) },
    });
    events.push(event);
    const url = webhookUrl;
    if (url) {
      void deliver(event, url).catch((error: unknown) =>
        logger?.error({ err: error, eventId: event.id }, 'webhook delivery crashed'),
      );
    }
  }

  function decide(payment: PaymentObject, card: TestCard): void {
    if (payment.status !== 'processing') return;
    const { outcome } = card;
    switch (outcome.kind) {
      case 'succeed':
        payment.status = 'succeeded';
        emit('payment.succeeded', payment);
        return;
      case 'decline':
        payment.status = 'failed';
        payment.failureCode = outcome.code;
        payment.failureMessage = outcome.message;
        emit('payment.failed', payment);
        return;
      case 'authenticate':
        payment.status = 'requires_action';
        emit('payment.requires_action', payment);
        return;
    }
  }

  const find = <T>(map: Map<string, T>, id: string, what: string, param: string | null = null): T => {
    const found = map.get(id);
    if (!found)
      throw new ApiError(404, 'invalid_request_error', 'resource_missing', `No such ${what}: '${id}'`, param);
    return found;
  };
  const refer = <T>(map: Map<string, T>, id: string, what: string, param: string): T => {
    const found = map.get(id);
    if (!found)
      throw new ApiError(400, 'invalid_request_error', 'resource_missing', `No such ${what}: '${id}'`, param);
    return found;
  };

  const routes: Array<{
    method: string;
    pattern: RegExp;
    /** The customer's own page: authorized by the payment's client secret instead of the secret key. */
    clientSecret?: true;
    handle: (parts: string[], body: unknown, url: URL) => Answer;
  }> = [
    {
      method: 'POST',
      pattern: /^\/v1\/customers$/,
      handle: (_parts, body) => {
        const input = parsed(customerInput, body);
        const customer: CustomerObject = {
          id: newId('cus'),
          email: input.email ?? null,
          name: input.name ?? null,
          metadata: input.metadata,
          defaultPaymentMethod: null,
          created: unixNow(),
        };
        customers.set(customer.id, customer);
        return { status: 200, body: () => customerJson(customer) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/customers\/([^/]+)$/,
      handle: ([id = '']) => {
        const customer = find(customers, id, 'customer');
        return { status: 200, body: () => customerJson(customer) };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/customers\/([^/]+)$/,
      handle: ([id = ''], body) => {
        const customer = find(customers, id, 'customer');
        const input = parsed(customerUpdate, body);
        const method = input.invoice_settings?.default_payment_method;
        if (method) {
          const attached = refer(
            paymentMethods,
            method,
            'payment method',
            'invoice_settings.default_payment_method',
          );
          if (attached.customer !== customer.id) {
            throw new ApiError(
              400,
              'invalid_request_error',
              'payment_method_not_attached',
              `Payment method ${method} is not attached to customer ${customer.id}`,
              'invoice_settings.default_payment_method',
            );
          }
        }
        if (input.email !== undefined) customer.email = input.email;
        if (input.name !== undefined) customer.name = input.name;
        if (input.metadata) customer.metadata = { ...customer.metadata, ...input.metadata };
        if (method !== undefined) customer.defaultPaymentMethod = method;
        return { status: 200, body: () => customerJson(customer) };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payment_methods\/([^/]+)\/attach$/,
      handle: ([token = ''], body) => {
        const input = parsed(attachInput, body);
        const card = Object.hasOwn(TEST_CARDS, token) ? TEST_CARDS[token] : undefined;
        if (!card) {
          throw new ApiError(
            400,
            'invalid_request_error',
            'resource_missing',
            `No such payment method token: '${token}' (the local provider knows ${Object.keys(TEST_CARDS).join(', ')})`,
            'payment_method',
          );
        }
        const customer = refer(customers, input.customer, 'customer', 'customer');
        // Each attach of a test token is a new card object, as with the providers' test tokens.
        const method: PaymentMethodObject = {
          id: newId('pm'),
          customer: customer.id,
          card,
          expYear: new Date().getUTCFullYear() + TEST_CARD_EXPIRY_YEARS_AHEAD,
          created: unixNow(),
        };
        paymentMethods.set(method.id, method);
        return { status: 200, body: () => paymentMethodJson(method) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/payment_methods\/([^/]+)$/,
      handle: ([id = '']) => {
        const method = find(paymentMethods, id, 'payment method');
        return { status: 200, body: () => paymentMethodJson(method) };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/subscriptions$/,
      handle: (_parts, body) => {
        const input = parsed(subscriptionInput, body);
        const customer = refer(customers, input.customer, 'customer', 'customer');
        const subscription: SubscriptionObject = {
          id: newId('sub'),
          customer: customer.id,
          status: 'active',
          metadata: input.metadata,
          created: unixNow(),
          canceledAt: null,
        };
        subscriptions.set(subscription.id, subscription);
        return { status: 200, body: () => subscriptionJson(subscription) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/subscriptions\/([^/]+)$/,
      handle: ([id = '']) => {
        const subscription = find(subscriptions, id, 'subscription', 'subscription');
        return { status: 200, body: () => subscriptionJson(subscription) };
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/v1\/subscriptions\/([^/]+)$/,
      handle: ([id = '']) => {
        const subscription = find(subscriptions, id, 'subscription', 'subscription');
        // Canceling a canceled subscription changes nothing (a retried DELETE is harmless).
        if (subscription.status !== 'canceled') {
          subscription.status = 'canceled';
          subscription.canceledAt = unixNow();
        }
        return { status: 200, body: () => subscriptionJson(subscription) };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payments$/,
      handle: (_parts, body) => {
        const input = parsed(paymentInput, body);
        const customer = refer(customers, input.customer, 'customer', 'customer');
        const methodId = input.payment_method ?? customer.defaultPaymentMethod;
        if (!methodId) {
          throw new ApiError(
            400,
            'invalid_request_error',
            'payment_method_missing',
            `Customer ${customer.id} has no default payment method and none was given`,
            'payment_method',
          );
        }
        const method = refer(paymentMethods, methodId, 'payment method', 'payment_method');
        const payment: PaymentObject = {
          id: newId('pay'),
          amount: input.amount,
          currency: input.currency,
          customer: customer.id,
          paymentMethod: method.id,
          status: 'processing',
          metadata: input.metadata,
          failureCode: null,
          failureMessage: null,
          clientSecret: `secret_${randomBytes(16).toString('hex')}`,
          created: unixNow(),
        };
        payments.set(payment.id, payment);
        later(outcomeDelayMs, () => decide(payment, method.card));
        return { status: 200, body: () => paymentJson(payment) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/payments\/([^/]+)$/,
      handle: ([id = '']) => {
        const payment = find(payments, id, 'payment');
        return { status: 200, body: () => paymentJson(payment) };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payments\/([^/]+)\/authenticate$/,
      clientSecret: true,
      handle: ([id = ''], body) => {
        const payment = find(payments, id, 'payment');
        const { result } = parsed(authenticateInput, body);
        if (payment.status !== 'requires_action') {
          throw new ApiError(
            400,
            'invalid_request_error',
            'payment_unexpected_state',
            `Payment ${payment.id} is ${payment.status}: only a payment that requires action can be authenticated`,
          );
        }
        if (result === 'approve') {
          // Approved: the charge goes ahead, and its outcome comes as asynchronously as any other.
          payment.status = 'processing';
          later(outcomeDelayMs, () => {
            if (payment.status !== 'processing') return;
            payment.status = 'succeeded';
            emit('payment.succeeded', payment);
          });
        } else {
          payment.status = 'failed';
          payment.failureCode = AUTHENTICATION_FAILED.code;
          payment.failureMessage = AUTHENTICATION_FAILED.message;
          emit('payment.failed', payment);
        }
        return { status: 200, body: () => paymentJson(payment) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/events$/,
      handle: (_parts, _body, url) => {
        const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 10) || 10, 1), 100);
        const type = url.searchParams.get('type');
        const after = url.searchParams.get('starting_after');
        // Newest first, as the providers list them.
        let listed = [...events].reverse().filter((event) => !type || event.type === type);
        if (after) listed = listed.slice(listed.findIndex((event) => event.id === after) + 1);
        const page = listed.slice(0, limit);
        return {
          status: 200,
          body: () => ({ object: 'list', data: page.map(eventJson), has_more: listed.length > limit }),
        };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/events\/([^/]+)$/,
      handle: ([id = '']) => {
        const event = events.find((candidate) => candidate.id === id);
        if (!event)
          throw new ApiError(404, 'invalid_request_error', 'resource_missing', `No such event: '${id}'`);
        return { status: 200, body: () => eventJson(event) };
      },
    },
  ];

  function authorized(request: IncomingMessage, url: URL, clientSecret: boolean, parts: string[]): boolean {
    if (request.headers.authorization === `Bearer ${secretKey}`) return true;
    if (!clientSecret) return false;
    const payment = payments.get(parts[0] ?? '');
    return payment !== undefined && url.searchParams.get('client_secret') === payment.clientSecret;
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    // The page the next-action URL opens: the customer approves or declines there.
    const page = /^\/v1\/payments\/([^/]+)\/authenticate$/.exec(url.pathname);
    if (page && method === 'GET') {
      const payment = payments.get(page[1] ?? '');
      if (!payment || url.searchParams.get('client_secret') !== payment.clientSecret) {
        throw new ApiError(404, 'invalid_request_error', 'resource_missing', 'No such payment');
      }
      const html = authenticationPage(payment, `${url.pathname}${url.search}`);
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(html);
      return;
    }
    const candidates = routes.filter((route) => route.pattern.test(url.pathname));
    const route = candidates.find((candidate) => candidate.method === method);
    if (!route) {
      throw candidates.length > 0
        ? new ApiError(405, 'invalid_request_error', 'method_not_allowed', `${method} is not allowed here`)
        : new ApiError(
            404,
            'invalid_request_error',
            'resource_missing',
            `Unrecognized request URL (${method}: ${url.pathname})`,
          );
    }
    const parts = (route.pattern.exec(url.pathname) ?? []).slice(1).map((part) => decodeURIComponent(part));
    if (!authorized(request, url, route.clientSecret === true, parts)) {
      throw new ApiError(401, 'authentication_error', 'invalid_api_key', 'Invalid API key provided');
    }
    const raw = await readBody(request);
    const key = request.headers['idempotency-key'];
    if (method !== 'POST' || typeof key !== 'string' || key === '') {
      const answer = route.handle(parts, bodyOf(raw, request.headers['content-type']), url);
      send(response, answer.status, answer.body());
      return;
    }
    // The same key with the same request answers the same object (as it is now): never a second
    // charge. The same key with another request is refused, as the providers do.
    const fingerprint = createHash('sha256').update(`${method} ${url.pathname}\n`).update(raw).digest('hex');
    const seen = idempotent.get(key);
    if (seen) {
      if (seen.fingerprint !== fingerprint) {
        throw new ApiError(
          400,
          'idempotency_error',
          'idempotency_key_in_use',
          `Keys for idempotent requests can only be used with the same parameters they were first used with (${key})`,
        );
      }
      send(response, seen.answer.status, seen.answer.body());
      return;
    }
    let answer: Answer;
    try {
      answer = route.handle(parts, bodyOf(raw, request.headers['content-type']), url);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500) throw error;
      // A refused request is remembered too: retrying it with the same key gets the same refusal.
      const refusal = { status: error.status, body: () => errorBody(error) };
      idempotent.set(key, { fingerprint, answer: refusal });
      throw error;
    }
    idempotent.set(key, { fingerprint, answer });
    send(response, answer.status, answer.body());
  }

  const server: Server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      if (error instanceof ApiError) {
        send(response, error.status, errorBody(error));
        return;
      }
      logger?.error({ err: error, url: request.url }, 'local payment provider failed');
      send(response, 500, errorBody(new ApiError(500, 'api_error', 'internal', 'Internal error')));
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  baseUrl = `http://${host}:${port}`;
  logger?.info({ url: baseUrl, webhookUrl }, 'local payment provider listening');

  return {
    url: baseUrl,
    secretKey,
    webhookSecret,
    setWebhookUrl(url) {
      webhookUrl = url;
    },
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const wake of [...wakers]) wake();
      inFlight.abort();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
