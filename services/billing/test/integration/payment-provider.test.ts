import { createHmac, randomUUID } from 'node:crypto';
import {
  PaymentMethodRejectedError,
  PaymentProviderError,
  ProviderCustomerMissingError,
  ProviderSubscriptionMissingError,
  WebhookPayloadError,
  WebhookSignatureError,
  type PaymentProvider,
} from '../../src/modules/payment/domain/payment-provider';
import { httpPaymentProvider } from '../../src/modules/payment/infra/http-payment-provider';
import {
  startLocalPaymentProvider,
  type LocalPaymentProvider,
} from '../../src/modules/payment/infra/local-provider/server';
import { signatureHeader } from '../../src/modules/payment/infra/webhook-signature';
import { startWebhookReceiver, type WebhookReceiver } from './payment-support';

// The local payment provider as a real HTTP server, through the same HTTP client billing uses for any
// provider: secret-key auth, idempotency keys, each test token's asynchronous outcome, webhooks signed
// as documented, redelivered until answered with a 2xx, and verified (or refused) by the client.

describe('the local payment provider', () => {
  let provider: LocalPaymentProvider;
  let receiver: WebhookReceiver;
  let client: PaymentProvider;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    provider = await startLocalPaymentProvider({
      outcomeDelayMs: 30,
      webhookUrl: receiver.url,
      webhookRetry: { initialDelayMs: 20, maxAttempts: 4 },
    });
    client = httpPaymentProvider({
      name: 'local',
      baseUrl: provider.url,
      secretKey: provider.secretKey,
      webhookSecret: provider.webhookSecret,
    });
  });

  afterAll(async () => {
    await provider.close();
    await receiver.close();
  });

  const api = (path: string, init: RequestInit & { key?: string } = {}) =>
    fetch(`${provider.url}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${init.key ?? provider.secretKey}`,
        ...(init.headers as Record<string, string> | undefined),
      },
    });

  async function customerWith(token: string): Promise<string> {
    const { customerId } = await client.createCustomer({
      organizationId: randomUUID(),
      email: null,
      name: null,
      idempotencyKey: randomUUID(),
    });
    await client.attachPaymentMethod({ customerId, token });
    return customerId;
  }

  const charge = (customerId: string, amountCents = 2900n, idempotencyKey: string = randomUUID()) =>
    client.createPayment({
      customerId,
      amountCents,
      currency: 'usd',
      metadata: { invoice: 'in_1' },
      idempotencyKey,
    });

  it('answers only calls with its secret key', async () => {
    const wrong = await api('/v1/customers', { method: 'POST', body: '{}', key: 'sk_local_wrong' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({
      error: { type: 'authentication_error', code: 'invalid_api_key' },
    });
    const unknownPath = await api('/v1/charges');
    expect(unknownPath.status).toBe(404);
  });

  it('attaches a tokenized card to a customer and makes it the default', async () => {
    const { customerId } = await client.createCustomer({
      organizationId: randomUUID(),
      email: 'billing@example.com',
      name: 'Acme',
      idempotencyKey: randomUUID(),
    });
    const method = await client.attachPaymentMethod({ customerId, token: 'pm_card_mastercard' });
    expect(method.paymentMethodId).toMatch(/^pm_[0-9a-f]{24}$/);
    expect(method).toEqual({
      paymentMethodId: method.paymentMethodId,
      brand: 'mastercard',
      last4: '4444',
      expMonth: 12,
      expYear: new Date().getUTCFullYear() + 3,
    });
    const customer = (await (await api(`/v1/customers/${customerId}`)).json()) as Record<string, unknown>;
    expect(customer).toMatchObject({
      id: customerId,
      email: 'billing@example.com',
      invoice_settings: { default_payment_method: method.paymentMethodId },
    });
  });

  it('refuses an unknown token with a typed error', async () => {
    const { customerId } = await client.createCustomer({
      organizationId: randomUUID(),
      email: null,
      name: null,
      idempotencyKey: randomUUID(),
    });
    const attaching = client.attachPaymentMethod({ customerId, token: 'pm_card_unknown' });
    await expect(attaching).rejects.toBeInstanceOf(PaymentMethodRejectedError);
    await expect(attaching).rejects.toMatchObject({ code: 'resource_missing', retryable: false });
    // A prototype key is no card either.
    await expect(client.attachPaymentMethod({ customerId, token: '__proto__' })).rejects.toBeInstanceOf(
      PaymentMethodRejectedError,
    );
  });

  it('says so when it does not know the customer (a typed error billing recovers from)', async () => {
    const attaching = client.attachPaymentMethod({ customerId: 'cus_nobody', token: 'pm_card_visa' });
    await expect(attaching).rejects.toBeInstanceOf(ProviderCustomerMissingError);
    await expect(charge('cus_nobody')).rejects.toBeInstanceOf(ProviderCustomerMissingError);
  });

  it('answers the same object for the same idempotency key, and refuses the key for another request', async () => {
    const key = randomUUID();
    const organizationId = randomUUID();
    const first = await client.createCustomer({
      organizationId,
      email: null,
      name: null,
      idempotencyKey: key,
    });
    const again = await client.createCustomer({
      organizationId,
      email: null,
      name: null,
      idempotencyKey: key,
    });
    expect(again).toEqual(first);
    const other = client.createCustomer({
      organizationId: randomUUID(),
      email: null,
      name: null,
      idempotencyKey: key,
    });
    await expect(other).rejects.toMatchObject({ code: 'idempotency_key_in_use', retryable: false });
  });

  it('charges once for one idempotency key, however often the payment is created', async () => {
    const customerId = await customerWith('pm_card_visa');
    const key = `${randomUUID()}:1`;
    const payments = await Promise.all([charge(customerId, 2900n, key), charge(customerId, 2900n, key)]);
    const [first, second] = payments;
    expect(second?.paymentId).toBe(first?.paymentId);
    await receiver.waitFor((delivery) => delivery.event.paymentId === first?.paymentId);
    // Once the outcome is known, the same key answers the payment as it is now, still the same one.
    const later = await charge(customerId, 2900n, key);
    expect(later).toMatchObject({ paymentId: first?.paymentId, status: 'succeeded' });
    const events = receiver.deliveries.filter((delivery) => delivery.event.paymentId === first?.paymentId);
    expect(events.map((delivery) => delivery.event.type)).toEqual(['payment.succeeded']);
  });

  it.each([
    ['pm_card_visa', 'payment.succeeded', 'succeeded', null],
    ['pm_card_mastercard', 'payment.succeeded', 'succeeded', null],
    ['pm_card_chargeDeclined', 'payment.failed', 'failed', 'card_declined'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'payment.failed', 'failed', 'insufficient_funds'],
    ['pm_card_authenticationRequired', 'payment.requires_action', 'requires_action', null],
  ])('%s: created processing, then %s', async (token, type, status, failureCode) => {
    const customerId = await customerWith(token);
    const created = await charge(customerId, 4200n);
    expect(created).toMatchObject({
      status: 'processing',
      amountCents: 4200n,
      currency: 'usd',
      failureCode: null,
    });
    const delivery = await receiver.waitFor((candidate) => candidate.event.paymentId === created.paymentId);
    expect(delivery.event).toMatchObject({ type, status });
    const now = await client.retrievePayment(created.paymentId);
    expect(now).toMatchObject({ status, failureCode, metadata: { invoice: 'in_1' } });
    expect(now.nextActionUrl === null).toBe(status !== 'requires_action');
  });

  it('requires action: the customer approves at the next-action URL, and the payment succeeds', async () => {
    const customerId = await customerWith('pm_card_authenticationRequired');
    const created = await charge(customerId);
    await receiver.waitFor((delivery) => delivery.event.paymentId === created.paymentId);
    const { nextActionUrl } = await client.retrievePayment(created.paymentId);
    expect(nextActionUrl).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/v1\/payments\/pay_\w+\/authenticate\?client_secret=\w+$/,
    );
    const url = nextActionUrl ?? '';
    // The customer's page: no secret key, the payment's client secret in the URL is the authorization.
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Approve');
    const forged = await fetch(url.replace(/client_secret=\w+/, 'client_secret=guess'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ result: 'approve' }),
    });
    expect(forged.status).toBe(401);
    const approved = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'result=approve',
    });
    expect(await approved.json()).toMatchObject({ status: 'processing', next_action: null });
    const succeeded = await receiver.waitFor(
      (delivery) =>
        delivery.event.paymentId === created.paymentId && delivery.event.type === 'payment.succeeded',
    );
    expect(succeeded.event.status).toBe('succeeded');
    const again = await fetch(url, {
      method: 'POST',
      body: 'result=approve',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(again.status).toBe(400);
  });

  it('requires action: a declined authentication fails the payment', async () => {
    const customerId = await customerWith('pm_card_authenticationRequired');
    const created = await charge(customerId);
    await receiver.waitFor((delivery) => delivery.event.paymentId === created.paymentId);
    const { nextActionUrl } = await client.retrievePayment(created.paymentId);
    const declined = await fetch(nextActionUrl ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ result: 'decline' }),
    });
    expect(await declined.json()).toMatchObject({ status: 'failed', failure_code: 'authentication_failed' });
    const failed = await receiver.waitFor(
      (delivery) =>
        delivery.event.paymentId === created.paymentId && delivery.event.type === 'payment.failed',
    );
    expect(failed.event.status).toBe('failed');
  });

  it('signs each delivery: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">', async () => {
    const customerId = await customerWith('pm_card_visa');
    const created = await charge(customerId);
    const delivery = await receiver.waitFor((candidate) => candidate.event.paymentId === created.paymentId);
    const header = String(delivery.headers['local-signature']);
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
    expect(match).not.toBeNull();
    const timestamp = Number(match?.[1]);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(30);
    const expected = createHmac('sha256', provider.webhookSecret)
      .update(`${timestamp}.${delivery.body.toString('utf8')}`)
      .digest('hex');
    expect(match?.[2]).toBe(expected);
    expect(JSON.parse(delivery.body.toString('utf8'))).toMatchObject({
      id: delivery.event.id,
      object: 'event',
      type: 'payment.succeeded',
      data: { object: { id: created.paymentId, object: 'payment', status: 'succeeded', amount: 2900 } },
    });
    const sent = JSON.parse(delivery.body.toString('utf8')) as { created: number };
    const verified = client.verifyWebhook(delivery.body, { 'local-signature': header });
    expect(verified).toEqual({
      eventId: delivery.event.id,
      type: 'payment.succeeded',
      createdAt: new Date(sent.created * 1000),
      paymentId: created.paymentId,
    });
  });

  it('delivers again, with backoff, until the endpoint answers with a 2xx', async () => {
    const customerId = await customerWith('pm_card_visa');
    receiver.answerNext(500, 503);
    const created = await charge(customerId);
    const ofPayment = () =>
      receiver.deliveries.filter((delivery) => delivery.event.paymentId === created.paymentId);
    await receiver.waitFor(() => ofPayment().length === 3);
    const deliveries = ofPayment();
    expect(new Set(deliveries.map((delivery) => delivery.event.id)).size).toBe(1);
    expect(new Set(deliveries.map((delivery) => delivery.body.toString('utf8'))).size).toBe(1);
    const log = (await (await api('/v1/events?limit=100&type=payment.succeeded')).json()) as {
      data: Array<{ id: string; pending_webhooks: number; delivery_attempts: number }>;
    };
    expect(log.data.find((event) => event.id === deliveries[0]?.event.id)).toMatchObject({
      pending_webhooks: 0,
      delivery_attempts: 3,
    });
  });

  it('keeps a provider-side subscription reference, and cancels it', async () => {
    const customerId = await customerWith('pm_card_visa');
    const { subscriptionId } = await client.createSubscription({
      customerId,
      metadata: { organizationId: randomUUID() },
      idempotencyKey: randomUUID(),
    });
    expect(subscriptionId).toMatch(/^sub_/);
    await client.cancelSubscription(subscriptionId);
    const subscription = (await (await api(`/v1/subscriptions/${subscriptionId}`)).json()) as Record<
      string,
      unknown
    >;
    expect(subscription).toMatchObject({ status: 'canceled', customer: customerId });
    expect(subscription.canceled_at).toEqual(expect.any(Number));
    // Canceling again is harmless: it stays canceled, as it was.
    await client.cancelSubscription(subscriptionId);
    expect(await (await api(`/v1/subscriptions/${subscriptionId}`)).json()).toEqual(subscription);
  });

  it('answers the same subscription for the same key, and types what it does not know', async () => {
    const customerId = await customerWith('pm_card_visa');
    const key = randomUUID();
    const input = { customerId, metadata: { subscriptionId: 'b-1' }, idempotencyKey: key };
    const first = await client.createSubscription(input);
    expect(await client.createSubscription(input)).toEqual(first);
    const stored = (await (await api(`/v1/subscriptions/${first.subscriptionId}`)).json()) as Record<
      string,
      unknown
    >;
    expect(stored).toMatchObject({
      object: 'subscription',
      status: 'active',
      customer: customerId,
      metadata: { subscriptionId: 'b-1' },
      canceled_at: null,
    });

    const noCustomer = client.createSubscription({
      customerId: 'cus_unknown',
      metadata: {},
      idempotencyKey: randomUUID(),
    });
    await expect(noCustomer).rejects.toBeInstanceOf(ProviderCustomerMissingError);
    const noSubscription = client.cancelSubscription('sub_unknown');
    await expect(noSubscription).rejects.toBeInstanceOf(ProviderSubscriptionMissingError);
    await expect(client.cancelSubscription('sub_unknown')).rejects.toMatchObject({
      code: 'subscription_missing',
      retryable: false,
    });
  });

  it('refuses a charge without a payment method, for good', async () => {
    const { customerId } = await client.createCustomer({
      organizationId: randomUUID(),
      email: null,
      name: null,
      idempotencyKey: randomUUID(),
    });
    await expect(charge(customerId)).rejects.toMatchObject({
      code: 'payment_method_missing',
      retryable: false,
    });
  });
});

function thrownBy(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
}

describe('the HTTP client', () => {
  const webhookSecret = 'whsec_test_secret';
  const body = Buffer.from(
    JSON.stringify({
      id: 'evt_1',
      object: 'event',
      type: 'payment.failed',
      created: 1_800_000_000,
      data: { object: { id: 'pay_1', object: 'payment', status: 'failed' } },
    }),
  );
  const at = (seconds: number) => ({ now: () => new Date(seconds * 1000) });
  const clientAt = (seconds: number) =>
    httpPaymentProvider({
      name: 'local',
      baseUrl: 'http://127.0.0.1:9',
      secretKey: 'sk_local_x',
      webhookSecret,
      clock: at(seconds),
    });
  const signed = (payload: Buffer | string, timestamp = 1_800_000_000, secret = webhookSecret) => ({
    'local-signature': signatureHeader(secret, timestamp, payload),
  });

  it('accepts a delivery signed with the secret within 300 s either way', () => {
    expect(clientAt(1_800_000_300).verifyWebhook(body, signed(body))).toEqual({
      eventId: 'evt_1',
      type: 'payment.failed',
      createdAt: new Date(1_800_000_000_000),
      paymentId: 'pay_1',
    });
    expect(clientAt(1_799_999_700).verifyWebhook(body, signed(body)).eventId).toBe('evt_1');
  });

  it('accepts any one of several signatures (a secret being rotated)', () => {
    const good = signed(body)['local-signature'];
    const other = signatureHeader('whsec_old', 1_800_000_000, body).split(',')[1];
    expect(
      clientAt(1_800_000_000).verifyWebhook(body, { 'local-signature': `${good},${other}` }).eventId,
    ).toBe('evt_1');
    expect(
      clientAt(1_800_000_000).verifyWebhook(body, {
        'local-signature': `t=1800000000,${other},${good.split(',')[1]}`,
      }).eventId,
    ).toBe('evt_1');
  });

  it.each([
    ['no header', {}, 'missing'],
    ['a header without v1', { 'local-signature': 't=1800000000' }, 'missing'],
    ['another secret', signed(body, 1_800_000_000, 'whsec_other'), 'mismatch'],
    [
      'a tampered body',
      signed(Buffer.from(body.toString('utf8').replace('failed', 'succeeded'))),
      'mismatch',
    ],
    [
      'a timestamp changed after signing',
      { 'local-signature': signed(body)['local-signature'].replace('t=1800000000', 't=1800000001') },
      'mismatch',
    ],
  ] as const)('refuses %s', (_label, headers, problem) => {
    const refusal = thrownBy(() => clientAt(1_800_000_000).verifyWebhook(body, headers));
    expect(refusal).toBeInstanceOf(WebhookSignatureError);
    expect(refusal).toMatchObject({ problem });
  });

  it('refuses a signature older (or further ahead) than 300 s as stale', () => {
    for (const now of [1_800_000_301, 1_799_999_699]) {
      const refusal = thrownBy(() => clientAt(now).verifyWebhook(body, signed(body)));
      expect(refusal).toBeInstanceOf(WebhookSignatureError);
      expect(refusal).toMatchObject({ problem: 'stale' });
    }
  });

  it('refuses a well-signed body that is not an event as malformed', () => {
    for (const payload of ['not json', '{"id":"evt_1","object":"event"}', '[]']) {
      expect(() => clientAt(1_800_000_000).verifyWebhook(Buffer.from(payload), signed(payload))).toThrow(
        WebhookPayloadError,
      );
    }
  });

  it('reports an unreachable provider as retryable', async () => {
    const unreachable = httpPaymentProvider({
      name: 'local',
      baseUrl: 'http://127.0.0.1:9',
      secretKey: 'sk_local_x',
      webhookSecret,
      timeoutMs: 2000,
    });
    const call = unreachable.retrievePayment('pay_1');
    await expect(call).rejects.toBeInstanceOf(PaymentProviderError);
    await expect(call).rejects.toMatchObject({ code: 'provider_unavailable', retryable: true });
  });
});
