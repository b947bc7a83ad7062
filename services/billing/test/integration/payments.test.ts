import { randomUUID } from 'node:crypto';
import { withTenant } from '@platform/service-kit';
import { metricValue, newTenant, parseMetrics, serviceUnderTest } from '@platform/service-kit/testing';
import { eventually } from '@platform/testing';
import { Client } from 'pg';
import type { PaymentAttempt, PaymentSettled } from '../../src/modules/payment/domain/payment-attempt';
import { httpPaymentProvider } from '../../src/modules/payment/infra/http-payment-provider';
import {
  startLocalPaymentProvider,
  type LocalPaymentProvider,
} from '../../src/modules/payment/infra/local-provider/server';
import { paymentAttemptsOf, requestPayment } from '../../src/modules/payment/infra/payment-attempts';
import { PAYMENT_WEBHOOK_PATH } from '../../src/modules/payment/infra/webhook-route';
import { signatureHeader } from '../../src/modules/payment/infra/webhook-signature';
import { startBillingService, type BillingService } from '../../src/service';
import { startFlakyProxy, startWebhookReceiver, type Delivery, type FlakyProxy } from './payment-support';

// Payments through billing against real PostgreSQL, Kafka and the local payment provider as a real
// HTTP server: attempts requested in a tenant transaction and sent by the dispatcher after commit, the
// outcome brought by signed webhooks to /webhooks/payments (re-fetched from the provider, so deliveries
// twice and out of order end in one correct state), the settled hook called once in the transaction
// that records the final status, and the payment method set through the subgraph.

const SET_PAYMENT_METHOD = `mutation($token: String!) {
  setPaymentMethod(token: $token) { brand last4 expMonth expYear provider }
}`;

interface SettledCall extends PaymentSettled {
  /** The attempt's status as the hook's own transaction sees it. */
  statusInTransaction: string | undefined;
}

/** The hook billing's invoice code will give: here it records each call, and fails when told to. */
function settledHook() {
  const calls: SettledCall[] = [];
  const failOnce = new Set<string>();
  return {
    calls,
    failOnce,
    of: (invoiceId: string) => calls.filter((call) => call.invoiceId === invoiceId),
    hook: async (tx: Parameters<typeof paymentAttemptsOf>[0], settled: PaymentSettled): Promise<void> => {
      if (failOnce.delete(settled.invoiceId)) throw new Error('the invoice could not be updated');
      const [attempts] = await paymentAttemptsOf(tx, [settled.invoiceId]);
      const status = attempts?.find((attempt) => attempt.attempt === settled.attempt)?.status;
      calls.push({ ...settled, statusInTransaction: status });
    },
  };
}

function paymentsOf(subject: { readonly service: BillingService }) {
  const attemptOf = async (
    organizationId: string,
    invoiceId: string,
  ): Promise<PaymentAttempt | undefined> => {
    const [attempts] = await withTenant(subject.service.database, organizationId, (tx) =>
      paymentAttemptsOf(tx, [invoiceId]),
    );
    return attempts?.[0];
  };
  const request = async (organizationId: string, amountCents = 2900n): Promise<string> => {
    const invoiceId = randomUUID();
    await withTenant(subject.service.database, organizationId, (tx) =>
      requestPayment(tx, { organizationId, invoiceId, attempt: 1, amountCents, currency: 'USD' }),
    );
    return invoiceId;
  };
  const settledAs = (organizationId: string, invoiceId: string, statuses: readonly string[]) =>
    eventually(`attempt of ${invoiceId} to be ${statuses.join(' or ')}`, async () => {
      const attempt = await attemptOf(organizationId, invoiceId);
      return attempt && statuses.includes(attempt.status) ? attempt : undefined;
    });
  return { attemptOf, request, settledAs };
}

describe('payments', () => {
  const settled = settledHook();
  const subject = serviceUnderTest('billing', (env) =>
    startBillingService({
      ...env.startOptions(),
      consumers: false,
      localPaymentProvider: { outcomeDelayMs: 40, webhookRetry: { initialDelayMs: 50 } },
      // No poll within a test's time: every send below was woken by the requesting commit's NOTIFY.
      paymentDispatch: { pollIntervalMs: 600_000, retryDelayMs: 50 },
      onPaymentSettled: settled.hook,
    }),
  );
  const { attemptOf, request, settledAs } = paymentsOf(subject);

  const local = () => {
    const provider = subject.service.localPaymentProvider;
    if (!provider) throw new Error('billing runs the local payment provider in-process here');
    return provider;
  };

  /** A fresh organization whose owner set `token` as its payment method through the subgraph. */
  async function organizationPayingWith(token: string): Promise<string> {
    const { env, service: billing } = subject;
    const tenant = newTenant();
    const result = await env.graphql(
      billing.graphqlUrl,
      SET_PAYMENT_METHOD,
      { token },
      await env.headersFor(tenant),
    );
    expect(result.errors).toBeUndefined();
    return tenant.organizationId;
  }

  const postWebhook = (body: Buffer | string, headers: Record<string, string>) =>
    fetch(`${subject.service.url}${PAYMENT_WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  const signedNow = (body: string, secondsAgo = 0) => ({
    'local-signature': signatureHeader(
      local().webhookSecret,
      Math.floor(Date.now() / 1000) - secondsAgo,
      body,
    ),
  });

  async function superuser<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: subject.env.database.superuserUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  const storedWebhookEvents = (organizationId?: string) =>
    superuser(async (client) => {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM payment_webhook_events WHERE $1::uuid IS NULL OR organization_id = $1::uuid`,
        [organizationId ?? null],
      );
      return rows[0]?.n ?? 0;
    });

  const webhookMetric = async (outcome: string) => {
    const text = await (await fetch(`${subject.service.url}/metrics`)).text();
    return metricValue(parseMetrics(text), 'payment_webhooks_total', { outcome }) ?? 0;
  };

  describe('attempts sent by the dispatcher, settled by webhooks', () => {
    it('runs the local payment provider in-process and sends its webhooks to billing', () => {
      const provider = local();
      expect(provider.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(subject.service.paymentProvider.name).toBe('local');
    });

    it('sends a requested attempt after commit; its webhook settles it, and the hook is told once', async () => {
      const organizationId = await organizationPayingWith('pm_card_visa');
      const invoiceId = await request(organizationId);
      const attempt = await settledAs(organizationId, invoiceId, ['succeeded']);
      expect(attempt).toMatchObject({
        organizationId,
        invoiceId,
        attempt: 1,
        amountCents: 2900n,
        currency: 'usd',
        status: 'succeeded',
        provider: 'local',
        failureCode: null,
        nextActionUrl: null,
      });
      expect(attempt.providerPaymentId).toMatch(/^pay_/);
      expect(attempt.settledAt).toBeInstanceOf(Date);
      // The provider has the payment billing asked for, keyed so that a resend would not charge twice.
      const payment = await subject.service.paymentProvider.retrievePayment(attempt.providerPaymentId ?? '');
      expect(payment).toMatchObject({
        status: 'succeeded',
        amountCents: 2900n,
        metadata: { organizationId, invoiceId, attempt: '1' },
      });
      await eventually('the hook', () => settled.of(invoiceId).length === 1);
      expect(settled.of(invoiceId)).toEqual([
        {
          organizationId,
          invoiceId,
          attempt: 1,
          status: 'succeeded',
          failureCode: null,
          settledAt: attempt.settledAt,
          statusInTransaction: 'succeeded',
        },
      ]);
      expect(await storedWebhookEvents(organizationId)).toBe(1);
      expect(await webhookMetric('applied')).toBeGreaterThanOrEqual(1);
    });

    it.each([
      ['pm_card_chargeDeclined', 'card_declined', 'Your card was declined.'],
      ['pm_card_chargeDeclinedInsufficientFunds', 'insufficient_funds', 'Your card has insufficient funds.'],
    ])('%s: the attempt fails with %s, and the hook is told', async (token, failureCode, failureMessage) => {
      const organizationId = await organizationPayingWith(token);
      const invoiceId = await request(organizationId);
      const attempt = await settledAs(organizationId, invoiceId, ['failed', 'succeeded']);
      expect(attempt).toMatchObject({ status: 'failed', failureCode, failureMessage });
      await eventually('the hook', () => settled.of(invoiceId).length === 1);
      expect(settled.of(invoiceId)[0]).toMatchObject({ status: 'failed', failureCode });
    });

    it('requires action: the attempt shows where to authenticate; approved, it succeeds', async () => {
      const organizationId = await organizationPayingWith('pm_card_authenticationRequired');
      const invoiceId = await request(organizationId);
      const waiting = await settledAs(organizationId, invoiceId, ['requires_action']);
      expect(waiting.nextActionUrl).toMatch(
        new RegExp(`^${local().url}/v1/payments/pay_\\w+/authenticate\\?client_secret=`),
      );
      expect(settled.of(invoiceId)).toEqual([]);
      const approved = await fetch(waiting.nextActionUrl ?? '', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ result: 'approve' }),
      });
      expect(approved.status).toBe(200);
      const attempt = await settledAs(organizationId, invoiceId, ['succeeded', 'failed']);
      expect(attempt).toMatchObject({
        status: 'succeeded',
        nextActionUrl: null,
        providerPaymentId: waiting.providerPaymentId,
      });
      await eventually('the hook', () => settled.of(invoiceId).length === 1);
      expect(settled.of(invoiceId)[0]).toMatchObject({ status: 'succeeded' });
    });

    it('fails at once, without the provider, when the organization has no payment method', async () => {
      const organizationId = randomUUID();
      const invoiceId = await request(organizationId);
      const attempt = await settledAs(organizationId, invoiceId, ['failed']);
      expect(attempt).toMatchObject({
        status: 'failed',
        failureCode: 'no_payment_method',
        provider: null,
        providerPaymentId: null,
      });
      await eventually('the hook', () => settled.of(invoiceId).length === 1);
      expect(settled.of(invoiceId)[0]).toMatchObject({ status: 'failed', failureCode: 'no_payment_method' });
    });

    it('a customer the provider forgot (a restarted local provider): no payment method, until the card is set again', async () => {
      const { env, service: billing } = subject;
      const tenant = newTenant();
      const { organizationId } = tenant;
      await withTenant(billing.database, organizationId, (tx) =>
        tx.paymentCustomer.create({
          data: {
            organizationId,
            provider: 'local',
            providerCustomerId: 'cus_forgotten',
            paymentMethodId: 'pm_forgotten',
            cardBrand: 'visa',
            cardLast4: '4242',
            cardExpMonth: 12,
            cardExpYear: 2030,
          },
        }),
      );
      const invoiceId = await request(organizationId);
      expect(await settledAs(organizationId, invoiceId, ['failed', 'succeeded'])).toMatchObject({
        status: 'failed',
        failureCode: 'no_payment_method',
        provider: 'local',
        providerPaymentId: null,
      });
      const set = await env.graphql(
        billing.graphqlUrl,
        SET_PAYMENT_METHOD,
        { token: 'pm_card_visa' },
        await env.headersFor(tenant),
      );
      expect(set.errors).toBeUndefined();
      const customer = await withTenant(billing.database, organizationId, (tx) =>
        tx.paymentCustomer.findUniqueOrThrow({ where: { organizationId } }),
      );
      expect(customer.providerCustomerId).toMatch(/^cus_/);
      expect(customer.providerCustomerId).not.toBe('cus_forgotten');
      const retried = randomUUID();
      await withTenant(billing.database, organizationId, (tx) =>
        requestPayment(tx, {
          organizationId,
          invoiceId: retried,
          attempt: 1,
          amountCents: 2900n,
          currency: 'usd',
        }),
      );
      expect((await settledAs(organizationId, retried, ['failed', 'succeeded'])).status).toBe('succeeded');
    });

    it('records nothing when the hook fails: the redelivered webhook settles the attempt, once', async () => {
      const organizationId = await organizationPayingWith('pm_card_visa');
      const invoiceId = randomUUID();
      settled.failOnce.add(invoiceId);
      await withTenant(subject.service.database, organizationId, (tx) =>
        requestPayment(tx, { organizationId, invoiceId, attempt: 1, amountCents: 500n, currency: 'usd' }),
      );
      const attempt = await settledAs(organizationId, invoiceId, ['succeeded']);
      // The first delivery's transaction failed with the hook and wrote nothing, not even the event's
      // mark; the provider delivered again, and that one settled the attempt.
      expect(settled.failOnce.has(invoiceId)).toBe(false);
      await eventually('the hook', () => settled.of(invoiceId).length === 1);
      expect(settled.of(invoiceId)).toHaveLength(1);
      expect(attempt.status).toBe('succeeded');
      expect(await storedWebhookEvents(organizationId)).toBe(1);
    });

    it('requests once per (invoice, attempt), and sends nothing for a transaction that rolled back', async () => {
      const organizationId = await organizationPayingWith('pm_card_visa');
      const invoiceId = randomUUID();
      const ask = (amountCents: bigint) =>
        withTenant(subject.service.database, organizationId, (tx) =>
          requestPayment(tx, { organizationId, invoiceId, attempt: 1, amountCents, currency: 'usd' }),
        );
      await ask(700n);
      await ask(700n);
      await expect(ask(800n)).rejects.toThrow(/requested before with other terms/);
      await settledAs(organizationId, invoiceId, ['succeeded']);
      const [attempts] = await withTenant(subject.service.database, organizationId, (tx) =>
        paymentAttemptsOf(tx, [invoiceId]),
      );
      expect(attempts?.map((attempt) => [attempt.attempt, attempt.amountCents, attempt.status])).toEqual([
        [1, 700n, 'succeeded'],
      ]);

      const rolledBack = randomUUID();
      await expect(
        withTenant(subject.service.database, organizationId, async (tx) => {
          await requestPayment(tx, {
            organizationId,
            invoiceId: rolledBack,
            attempt: 1,
            amountCents: 900n,
            currency: 'usd',
          });
          throw new Error('the invoice failed');
        }),
      ).rejects.toThrow('the invoice failed');
      // Nothing was committed, so nothing was sent: the provider holds no payment for that invoice.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await attemptOf(organizationId, rolledBack)).toBeUndefined();
      const events = (await (
        await fetch(`${local().url}/v1/events?limit=100`, {
          headers: { authorization: `Bearer ${local().secretKey}` },
        })
      ).json()) as { data: Array<{ data: { object: { metadata: Record<string, string> } } }> };
      expect(events.data.filter((event) => event.data.object.metadata['invoiceId'] === rolledBack)).toEqual(
        [],
      );
    });

    it('lists the attempts of invoices in the order asked, each oldest first', async () => {
      const organizationId = randomUUID();
      const [first, second] = [randomUUID(), randomUUID()];
      await withTenant(subject.service.database, organizationId, async (tx) => {
        for (const [invoiceId, attempt] of [
          [second, 2],
          [first, 1],
          [second, 1],
        ] as const) {
          await requestPayment(tx, {
            organizationId,
            invoiceId,
            attempt,
            amountCents: 100n,
            currency: 'usd',
          });
        }
      });
      const lists = await withTenant(subject.service.database, organizationId, (tx) =>
        paymentAttemptsOf(tx, [second, 'not-a-uuid', first, randomUUID()]),
      );
      expect(lists.map((list) => list.map((attempt) => [attempt.invoiceId, attempt.attempt]))).toEqual([
        [
          [second, 1],
          [second, 2],
        ],
        [],
        [[first, 1]],
        [],
      ]);
      // Another organization sees none of them (row-level security).
      const foreign = await withTenant(subject.service.database, randomUUID(), (tx) =>
        paymentAttemptsOf(tx, [first]),
      );
      expect(foreign).toEqual([[]]);
    });
  });

  describe('webhooks delivered twice and out of order', () => {
    /**
     * Runs a payment whose webhooks go to a receiver instead of billing (billing hears nothing), and
     * returns them once the last one is in: the test hands them to billing in the order it likes.
     */
    async function capturedPayment(token: string, decide: (nextActionUrl: string) => Promise<void>) {
      const receiver = await startWebhookReceiver();
      local().setWebhookUrl(receiver.url);
      try {
        const organizationId = await organizationPayingWith(token);
        const invoiceId = await request(organizationId);
        const waiting = await receiver.waitFor(
          (delivery) => delivery.event.type === 'payment.requires_action',
        );
        const payment = await subject.service.paymentProvider.retrievePayment(waiting.event.paymentId);
        await decide(payment.nextActionUrl ?? '');
        const final = await receiver.waitFor(
          (delivery) =>
            delivery.event.paymentId === waiting.event.paymentId &&
            delivery.event.type !== 'payment.requires_action',
        );
        return { organizationId, invoiceId, requiresAction: waiting, final };
      } finally {
        local().setWebhookUrl(`${subject.service.url}${PAYMENT_WEBHOOK_PATH}`);
        await receiver.close();
      }
    }

    const forward = async (delivery: Delivery) => {
      const response = await postWebhook(delivery.body, {
        'local-signature': String(delivery.headers['local-signature']),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    const approve = async (url: string) => {
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"result":"approve"}',
      });
    };
    const decline = async (url: string) => {
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"result":"decline"}',
      });
    };

    it('a late requires_action then succeeded, each twice: succeeded from the first, settled once', async () => {
      const { organizationId, invoiceId, requiresAction, final } = await capturedPayment(
        'pm_card_authenticationRequired',
        approve,
      );
      expect(final.event.type).toBe('payment.succeeded');
      expect((await attemptOf(organizationId, invoiceId))?.status).toBe('processing');

      // The stale event first: billing fetches the payment and applies what the provider says now.
      expect(await forward(requiresAction)).toMatchObject({ status: 200, body: { received: true } });
      expect(await attemptOf(organizationId, invoiceId)).toMatchObject({
        status: 'succeeded',
        nextActionUrl: null,
      });
      expect(await forward(final)).toMatchObject({ status: 200 });
      expect(await forward(final)).toMatchObject({ status: 200, body: { duplicate: true } });
      expect(await forward(requiresAction)).toMatchObject({ status: 200, body: { duplicate: true } });

      expect(await attemptOf(organizationId, invoiceId)).toMatchObject({
        status: 'succeeded',
        failureCode: null,
      });
      expect(settled.of(invoiceId)).toHaveLength(1);
      expect(settled.of(invoiceId)[0]).toMatchObject({ status: 'succeeded' });
      expect(await storedWebhookEvents(organizationId)).toBe(2);
    });

    it('failed before requires_action, then both again: failed, settled once', async () => {
      const { organizationId, invoiceId, requiresAction, final } = await capturedPayment(
        'pm_card_authenticationRequired',
        decline,
      );
      expect(final.event.type).toBe('payment.failed');
      for (const delivery of [final, requiresAction, final, requiresAction]) {
        expect((await forward(delivery)).status).toBe(200);
      }
      expect(await attemptOf(organizationId, invoiceId)).toMatchObject({
        status: 'failed',
        failureCode: 'authentication_failed',
        nextActionUrl: null,
      });
      expect(settled.of(invoiceId)).toHaveLength(1);
      expect(settled.of(invoiceId)[0]).toMatchObject({
        status: 'failed',
        failureCode: 'authentication_failed',
      });
      expect(await storedWebhookEvents(organizationId)).toBe(2);
    });
  });

  describe('the webhook endpoint refuses what is not a good delivery', () => {
    const event = (paymentId = 'pay_unknown') =>
      JSON.stringify({
        id: `evt_${randomUUID().replaceAll('-', '')}`,
        object: 'event',
        type: 'payment.succeeded',
        created: Math.floor(Date.now() / 1000),
        data: { object: { id: paymentId, object: 'payment', status: 'succeeded' } },
      });

    it.each([
      [
        'a signature with another secret',
        (body: string) => ({
          'local-signature': signatureHeader('whsec_other', Math.floor(Date.now() / 1000), body),
        }),
        'invalid_signature',
      ],
      ['no signature', () => ({}), 'invalid_signature'],
      ['a signature 301 s old', (body: string) => signedNow(body, 301), 'stale_signature'],
    ])('%s: 400, counted, nothing stored', async (_label, headers, outcome) => {
      const body = event();
      const [before, stored] = [await webhookMetric(outcome), await storedWebhookEvents()];
      const response = await postWebhook(body, headers(body));
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: outcome } });
      expect(await webhookMetric(outcome)).toBe(before + 1);
      expect(await storedWebhookEvents()).toBe(stored);
    });

    it('a well-signed body that is not JSON, or not an event: 400 malformed, counted, nothing stored', async () => {
      const before = await webhookMetric('malformed');
      const stored = await storedWebhookEvents();
      for (const body of ['{"id": "evt_1", ', JSON.stringify({ id: 'evt_1', type: 'payment.succeeded' })]) {
        const response = await postWebhook(body, signedNow(body));
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({ error: { code: 'malformed' } });
      }
      expect(await webhookMetric('malformed')).toBe(before + 2);
      expect(await storedWebhookEvents()).toBe(stored);
    });

    it('a body over the size cap: 413; another method than POST: 405', async () => {
      const big = 'x'.repeat(300 * 1024);
      expect((await postWebhook(big, signedNow(big))).status).toBe(413);
      const get = await fetch(`${subject.service.url}${PAYMENT_WEBHOOK_PATH}`);
      expect(get.status).toBe(405);
    });

    it('a signed event about a payment the provider does not know: 200, ignored, nothing stored', async () => {
      const stored = await storedWebhookEvents();
      const body = event('pay_nobody');
      const response = await postWebhook(body, signedNow(body));
      expect(response.status).toBe(200);
      expect(await storedWebhookEvents()).toBe(stored);
    });
  });

  describe('setPaymentMethod and Organization.paymentMethod', () => {
    const PAYMENT_METHOD = '... on Organization { paymentMethod { brand last4 expMonth expYear provider } }';
    const expYear = new Date().getUTCFullYear() + 3;

    it('sets the card with billing:manage, shows it to the organization itself only, and replaces it', async () => {
      const { env, service: billing } = subject;
      const tenant = newTenant();
      const set = await env.graphql(
        billing.graphqlUrl,
        SET_PAYMENT_METHOD,
        { token: 'pm_card_visa' },
        await env.headersFor(tenant),
      );
      expect(set).toMatchObject({
        status: 200,
        data: {
          setPaymentMethod: { brand: 'visa', last4: '4242', expMonth: 12, expYear, provider: 'local' },
        },
      });
      const [own] = await env.entities(billing.graphqlUrl, PAYMENT_METHOD, tenant, [
        { __typename: 'Organization', id: tenant.organizationId },
      ]);
      expect(own).toEqual({
        paymentMethod: { brand: 'visa', last4: '4242', expMonth: 12, expYear, provider: 'local' },
      });
      const [foreign] = await env.entities(billing.graphqlUrl, PAYMENT_METHOD, newTenant(), [
        { __typename: 'Organization', id: tenant.organizationId },
      ]);
      expect(foreign).toEqual({ paymentMethod: null });

      const customerBefore = await withTenant(billing.database, tenant.organizationId, (tx) =>
        tx.paymentCustomer.findUniqueOrThrow({ where: { organizationId: tenant.organizationId } }),
      );
      const replaced = await env.graphql(
        billing.graphqlUrl,
        SET_PAYMENT_METHOD,
        { token: 'pm_card_mastercard' },
        await env.headersFor(tenant),
      );
      expect(replaced.data).toEqual({
        setPaymentMethod: { brand: 'mastercard', last4: '4444', expMonth: 12, expYear, provider: 'local' },
      });
      const customerAfter = await withTenant(billing.database, tenant.organizationId, (tx) =>
        tx.paymentCustomer.findUniqueOrThrow({ where: { organizationId: tenant.organizationId } }),
      );
      // One customer at the provider per organization; only the default card changed.
      expect(customerAfter.providerCustomerId).toBe(customerBefore.providerCustomerId);
      expect(customerAfter.paymentMethodId).not.toBe(customerBefore.paymentMethodId);
      // No card number anywhere: what billing keeps is the provider's ids and what a person recognises.
      expect(Object.keys(customerAfter).sort()).toEqual([
        'cardBrand',
        'cardExpMonth',
        'cardExpYear',
        'cardLast4',
        'createdAt',
        'organizationId',
        'paymentMethodId',
        'provider',
        'providerCustomerId',
        'updatedAt',
      ]);
    });

    it('refuses a caller without billing:manage, and stores nothing', async () => {
      const { env, service: billing } = subject;
      const tenant = { ...newTenant(), roles: ['viewer'], permissions: ['billing:read'] };
      const result = await env.graphql(
        billing.graphqlUrl,
        SET_PAYMENT_METHOD,
        { token: 'pm_card_visa' },
        await env.headersFor(tenant),
      );
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
      const stored = await withTenant(billing.database, tenant.organizationId, (tx) =>
        tx.paymentCustomer.findMany({ where: { organizationId: tenant.organizationId } }),
      );
      expect(stored).toEqual([]);
      // Reading the card needs billing:manage too: without it the field reads null.
      const [read] = await env.entities(billing.graphqlUrl, PAYMENT_METHOD, tenant, [
        { __typename: 'Organization', id: tenant.organizationId },
      ]);
      expect(read).toEqual({ paymentMethod: null });
    });

    it.each([
      ['a token the provider does not know', 'pm_card_unknown', 'resource_missing'],
      ['a card number instead of a token', '4242 4242 4242 4242', 'invalid_format'],
    ])('refuses %s as BAD_USER_INPUT on token', async (_label, token, code) => {
      const { env, service: billing } = subject;
      const tenant = newTenant();
      const result = await env.graphql(
        billing.graphqlUrl,
        SET_PAYMENT_METHOD,
        { token },
        await env.headersFor(tenant),
      );
      expect(result.errors).toHaveLength(1);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(result.errors?.[0]?.extensions?.['details']).toEqual({
        issues: [{ path: 'token', code, message: result.errors?.[0]?.message.replace(/^token /, '') }],
      });
      const [read] = await env.entities(billing.graphqlUrl, PAYMENT_METHOD, tenant, [
        { __typename: 'Organization', id: tenant.organizationId },
      ]);
      expect(read).toEqual({ paymentMethod: null });
    });
  });
});

describe('payments while the provider is unreachable', () => {
  // Billing reaches the provider through a proxy the test takes down and brings back; the provider's
  // webhooks come straight to billing.
  let provider: LocalPaymentProvider | undefined;
  let proxy: FlakyProxy | undefined;
  const settled = settledHook();
  const subject = serviceUnderTest('billing', async (env) => {
    const local = await startLocalPaymentProvider({ outcomeDelayMs: 20 });
    const flaky = await startFlakyProxy(local.url);
    [provider, proxy] = [local, flaky];
    const billing = await startBillingService({
      ...env.startOptions(),
      consumers: false,
      paymentProvider: httpPaymentProvider({
        name: 'local',
        baseUrl: flaky.url,
        secretKey: local.secretKey,
        webhookSecret: local.webhookSecret,
        timeoutMs: 1000,
      }),
      paymentDispatch: { pollIntervalMs: 100, retryDelayMs: 50, maxRetryDelayMs: 200 },
      onPaymentSettled: settled.hook,
    });
    local.setWebhookUrl(`${billing.url}${PAYMENT_WEBHOOK_PATH}`);
    return {
      ...billing,
      async close() {
        await local.close();
        await flaky.close();
        await billing.close();
      },
    };
  });
  const { request, settledAs } = paymentsOf(subject);

  it('keeps the attempt requested and retries with backoff; once the provider is back it is sent, once', async () => {
    const { env, service: billing } = subject;
    if (!provider || !proxy) throw new Error('the provider and the proxy start with billing');
    expect(billing.localPaymentProvider).toBeNull();
    const tenant = newTenant();
    const set = await env.graphql(
      billing.graphqlUrl,
      SET_PAYMENT_METHOD,
      { token: 'pm_card_visa' },
      await env.headersFor(tenant),
    );
    expect(set.errors).toBeUndefined();
    const { organizationId } = tenant;

    proxy.down = true;
    const invoiceId = await request(organizationId);
    const waiting = await eventually('three failed sends', async () => {
      const row = await withTenant(billing.database, organizationId, (tx) =>
        tx.paymentAttempt.findFirst({ where: { invoiceId } }),
      );
      return row && row.dispatchCount >= 3 ? row : undefined;
    });
    expect(waiting).toMatchObject({ status: 'requested', providerPaymentId: null });
    expect(waiting.lastDispatchError).toMatch(/fetch failed/);
    expect(waiting.nextDispatchAt.getTime()).toBeGreaterThan(Date.now() - 1000);
    expect(settled.of(invoiceId)).toEqual([]);

    proxy.down = false;
    const attempt = await settledAs(organizationId, invoiceId, ['succeeded', 'failed']);
    expect(attempt.status).toBe('succeeded');
    await eventually('the hook', () => settled.of(invoiceId).length === 1);
    expect(settled.of(invoiceId)).toHaveLength(1);
    // However many sends it took, the provider made one payment for the attempt.
    const events = (await (
      await fetch(`${provider.url}/v1/events?limit=100`, {
        headers: { authorization: `Bearer ${provider.secretKey}` },
      })
    ).json()) as { data: Array<{ data: { object: { id: string; metadata: Record<string, string> } } }> };
    const payments = events.data.filter((event) => event.data.object.metadata['invoiceId'] === invoiceId);
    expect(payments.map((event) => event.data.object.id)).toEqual([attempt.providerPaymentId]);
  });
});
