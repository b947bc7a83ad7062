import type { TestTenant } from '@platform/service-kit/testing';
import { z } from 'zod';
import { PAYMENT_WEBHOOK_PATH } from '../../src/modules/payment/infra/webhook-route';
import { billingOnClock } from './lifecycle-support';
import { startWebhookReceiver, type Delivery, type WebhookReceiver } from './payment-support';

// The lifecycle's side paths through billing's subgraph against real PostgreSQL, Kafka and the local
// payment provider, on a clock the test moves (the scheduler runs every 50 ms on it): canceling at once
// (pending, past due), reactivating inside the 30-day window and refused after it, paying an open invoice
// by hand, dunning giving up after the retries 1, 3 and 5 days after the decline, a pending start whose
// payment window closes, and the provider's webhooks of several types delivered out of order and twice.
// Each path checks the invoices (statuses, amounts in cents), the subscription, the entitlements and
// the outbox's billing.invoice.status_changed.v1 events (exact fields: no personal data).

const START = new Date('2027-06-01T00:00:00.000Z');
const MINUTE = 60_000;
const DAY = 86_400_000;

const SUBSCRIPTION_FIELDS = `
  id
  status
  plan { id }
  seatsLimit
  currentPeriodStart
  currentPeriodEnd
  cancelAtPeriodEnd
  endDate
  canceledAt
  cancellationReason
  expiresAt
  nextPaymentRetryAt
  paymentRetries
  seats { limit assigned available }`;
const INVOICE_FIELDS = `
  id
  number
  kind
  status
  totalCents
  amountDueCents
  amountPaidCents
  attemptCount
  periodStart
  periodEnd
  voidReason
  payments { attempt status amountCents failureCode }`;
const STATE = `
  subscription { ${SUBSCRIPTION_FIELDS} }
  invoices(first: 10) { ${INVOICE_FIELDS} }
  entitlements { plan { id } status contactLimit apiAccess seats }`;

interface Subscription {
  id: string;
  status: string;
  plan: { id: string };
  seatsLimit: number;
  currentPeriodStart: string;
  currentPeriodEnd: string;
  cancelAtPeriodEnd: boolean;
  endDate: string | null;
  canceledAt: string | null;
  cancellationReason: string | null;
  expiresAt: string | null;
  nextPaymentRetryAt: string | null;
  paymentRetries: number;
  seats: { limit: number | null; assigned: number; available: number | null };
}

interface Invoice {
  id: string;
  number: string;
  kind: string;
  status: string;
  totalCents: string;
  amountDueCents: string;
  amountPaidCents: string;
  attemptCount: number;
  periodStart: string | null;
  periodEnd: string | null;
  voidReason: string | null;
  payments: Array<{ attempt: number; status: string; amountCents: string; failureCode: string | null }>;
}

interface Billing {
  subscription: Subscription;
  invoices: Invoice[];
  entitlements: {
    plan: { id: string };
    status: string;
    contactLimit: number | null;
    apiAccess: string;
    seats: number | null;
  };
}

/** Free's entitlements, as billing publishes them when premium features are revoked. */
const FREE_ENTITLEMENTS = {
  contactLimit: 100,
  customFieldLimit: 5,
  storageGb: 1,
  aiInsights: 'none',
  apiAccess: 'read_only',
  interactionTracking: 'limited',
  support: 'community',
  seats: 3,
};

const statusOf = z.enum(['draft', 'open', 'paid', 'void', 'uncollectible']);
const cents = z.string().regex(/^-?(0|[1-9][0-9]*)$/);

/**
 * billing.invoice.status_changed.v1 as it must be: the catalog's fields and nothing else (`strict`),
 * so a name, an email or an address added to the payload fails the parse.
 */
const invoiceStatusChanged = z
  .object({
    specversion: z.literal('1.0'),
    id: z.string().uuid(),
    source: z.string(),
    type: z.literal('billing.invoice.status_changed.v1'),
    subject: z.string().uuid(),
    time: z.string(),
    datacontenttype: z.literal('application/json'),
    tenantid: z.string().uuid(),
    data: z
      .object({
        invoiceId: z.string().uuid(),
        organizationId: z.string().uuid(),
        subscriptionId: z.string().uuid(),
        number: z.string(),
        kind: z.enum(['first_period', 'renewal', 'proration', 'reactivation']),
        status: statusOf,
        previousStatus: statusOf,
        reason: z.string().nullable(),
        currency: z.string(),
        totalCents: cents,
        amountDueCents: cents,
        at: z.string(),
      })
      .strict(),
  })
  .strict();

/** What the tests read of a local provider webhook delivery's body. */
const deliveredEvent = z.object({
  id: z.string(),
  type: z.string(),
  data: z.object({
    object: z.object({
      id: z.string(),
      status: z.string(),
      metadata: z.record(z.string(), z.string()),
      next_action: z.object({ redirect_to_url: z.object({ url: z.string() }) }).nullable(),
    }),
  }),
});

const eventOf = (delivery: Delivery) => deliveredEvent.parse(JSON.parse(delivery.body.toString('utf8')));

describe('subscription lifecycle paths through billing', () => {
  const { clock, subject, call, run, read, until, setCard, organization } = billingOnClock<Billing>(
    START,
    STATE,
  );

  /** Moves billing's clock to `at` (or a minute on when absent); it never goes back. */
  const moveTo = (at?: Date) => clock.set(at ?? new Date(clock.now().getTime() + MINUTE));
  const after = (from: Date | string, milliseconds: number) =>
    new Date(new Date(from).getTime() + milliseconds);
  const iso = (at: Date) => at.toISOString();

  const start = async (auth: TestTenant, planId: string, seats: number) =>
    (
      await run<{ startSubscription: Subscription }>(
        auth,
        `mutation ($input: StartSubscriptionInput!) { startSubscription(input: $input) { ${SUBSCRIPTION_FIELDS} } }`,
        { input: { planId, billingCycle: 'monthly', seats } },
      )
    ).startSubscription;

  const cancel = (auth: TestTenant, atPeriodEnd: boolean) =>
    call<{ cancelSubscription: Subscription }>(
      auth,
      `mutation ($atPeriodEnd: Boolean!) { cancelSubscription(atPeriodEnd: $atPeriodEnd) { ${SUBSCRIPTION_FIELDS} } }`,
      { atPeriodEnd },
    );

  const reactivate = (auth: TestTenant) =>
    call<{ reactivateSubscription: Subscription }>(
      auth,
      `mutation { reactivateSubscription { ${SUBSCRIPTION_FIELDS} } }`,
    );

  const payInvoice = (auth: TestTenant, id: string) =>
    call<{ payInvoice: Invoice }>(auth, `mutation ($id: ID!) { payInvoice(id: $id) { ${INVOICE_FIELDS} } }`, {
      id,
    });

  /** A paid Basic subscription: started, its first invoice paid, active. */
  async function paidBasic(auth: TestTenant, seats: number): Promise<Billing> {
    expect((await start(auth, 'basic', seats)).status).toBe('pending');
    return until(
      auth,
      'the first payment',
      (state) => state.subscription.status === 'active' && state.invoices[0]?.status === 'paid',
    );
  }

  /** Declines the renewal at the period's end: past due, the renewal open. Answers when it failed. */
  async function declinedRenewal(
    auth: TestTenant,
    billing: Billing,
  ): Promise<{ failedAt: Date; state: Billing }> {
    await setCard(auth, 'pm_card_chargeDeclined');
    const failedAt = moveTo(after(billing.subscription.currentPeriodEnd, MINUTE));
    const state = await until(
      auth,
      'the declined renewal',
      (next) =>
        next.subscription.status === 'past_due' &&
        next.invoices[0]?.kind === 'renewal' &&
        next.invoices[0].payments[0]?.status === 'failed',
    );
    return { failedAt, state };
  }

  const outbox = async (organizationId: string, eventType: string) =>
    (
      await subject.service.database.outboxEvent.findMany({
        where: { eventType, payload: { path: ['tenantid'], equals: organizationId } },
        orderBy: { seq: 'asc' },
      })
    ).map((row) => row.payload);

  /** The organization's billing.invoice.status_changed.v1 events, oldest first, each parsed strictly. */
  const invoiceStatusChanges = async (organizationId: string) =>
    (await outbox(organizationId, 'billing.invoice.status_changed.v1')).map((payload) =>
      invoiceStatusChanged.parse(payload),
    );

  /** The transitions (number, from, to, reason, total, due) the status change events tell. */
  const transitions = async (organizationId: string) =>
    (await invoiceStatusChanges(organizationId)).map(({ data }) => [
      data.number,
      data.previousStatus,
      data.status,
      data.reason,
      data.totalCents,
      data.amountDueCents,
    ]);

  const changesOf = async (organizationId: string) =>
    (await outbox(organizationId, 'billing.subscription.updated.v1')).map((payload) =>
      z
        .object({ data: z.object({ change: z.string(), planId: z.string(), status: z.string() }) })
        .parse(payload),
    );

  /** The local provider's webhooks go to a receiver that holds them until the test delivers them. */
  async function holdingWebhooks<T>(work: (receiver: WebhookReceiver) => Promise<T>): Promise<T> {
    const local = subject.service.localPaymentProvider;
    if (!local) throw new Error('the local provider runs in-process');
    const receiver = await startWebhookReceiver();
    local.setWebhookUrl(receiver.url);
    try {
      return await work(receiver);
    } finally {
      local.setWebhookUrl(`${subject.service.url}${PAYMENT_WEBHOOK_PATH}`);
      await receiver.close();
    }
  }

  /** The held delivery of `type` for the organization's payment. */
  const held = (receiver: WebhookReceiver, auth: TestTenant, type: string, attempt: number) =>
    receiver.waitFor((delivery) => {
      const parsed = deliveredEvent.safeParse(JSON.parse(delivery.body.toString('utf8')));
      if (!parsed.success) return false;
      const event = parsed.data;
      const { metadata } = event.data.object;
      return (
        event.type === type &&
        metadata['organizationId'] === auth.organizationId &&
        metadata['attempt'] === String(attempt)
      );
    });

  /** Posts held deliveries to billing's webhook endpoint as the provider would, in the order given. */
  async function deliver(...deliveries: Delivery[]): Promise<void> {
    for (const delivery of deliveries) {
      const response = await fetch(`${subject.service.url}${PAYMENT_WEBHOOK_PATH}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'local-signature': String(delivery.headers['local-signature']),
        },
        body: delivery.body,
      });
      expect(response.status).toBe(200);
    }
  }

  /** The card holder's answer to 3-D Secure, at the next-action URL of the payment that asks for it. */
  async function authenticate(requiresAction: Delivery, result: 'approve' | 'decline'): Promise<void> {
    const url = eventOf(requiresAction).data.object.next_action?.redirect_to_url.url;
    if (!url) throw new Error('a payment that requires action has a next-action URL');
    const answered = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ result }),
    });
    expect(answered.status).toBe(200);
  }

  describe('webhooks out of order', () => {
    it('requires_action, failed and succeeded (two attempts), reversed and twice: one paid invoice, one activation', async () => {
      moveTo();
      await holdingWebhooks(async (receiver) => {
        const auth = await organization('pm_card_authenticationRequired');
        await start(auth, 'basic', 1);

        // Attempt 1 asks for 3-D Secure, and the card holder declines it: two events of one payment.
        const requiresAction = await held(receiver, auth, 'payment.requires_action', 1);
        await authenticate(requiresAction, 'decline');
        const failed = await held(receiver, auth, 'payment.failed', 1);
        await deliver(failed, requiresAction, failed, requiresAction);
        let billing = await read(auth);
        expect(billing.subscription.status).toBe('pending');
        expect(billing.invoices).toMatchObject([
          {
            number: 'INV-000001',
            status: 'open',
            totalCents: '2900',
            attemptCount: 1,
            payments: [{ attempt: 1, status: 'failed', failureCode: 'authentication_failed' }],
          },
        ]);

        // Paid by hand with another card: attempt 2 succeeds. Its event comes first, attempt 1's after.
        await setCard(auth, 'pm_card_visa');
        const invoiceId = billing.invoices[0]?.id ?? '';
        const paying = await payInvoice(auth, invoiceId);
        expect(paying.errors).toBeUndefined();
        expect(paying.data?.payInvoice).toMatchObject({
          number: 'INV-000001',
          status: 'open',
          attemptCount: 2,
        });
        const succeeded = await held(receiver, auth, 'payment.succeeded', 2);
        await deliver(succeeded, failed, requiresAction, succeeded, failed);

        billing = await read(auth);
        expect(billing.subscription).toMatchObject({ status: 'active', plan: { id: 'basic' } });
        expect(billing.invoices).toMatchObject([
          {
            number: 'INV-000001',
            status: 'paid',
            amountPaidCents: '2900',
            attemptCount: 2,
            payments: [
              { attempt: 1, status: 'failed', failureCode: 'authentication_failed' },
              { attempt: 2, status: 'succeeded', failureCode: null, amountCents: '2900' },
            ],
          },
        ]);
        expect(await transitions(auth.organizationId)).toEqual([
          ['INV-000001', 'open', 'paid', null, '2900', '2900'],
        ]);
        expect(
          (await changesOf(auth.organizationId)).map(({ data }) => [data.change, data.planId, data.status]),
        ).toEqual([
          ['started', 'free', 'active'],
          ['replaced', 'free', 'expired'],
          ['started', 'basic', 'pending'],
          ['payment_failed', 'basic', 'pending'],
          ['activated', 'basic', 'active'],
        ]);
        // Free at sign-up, then Basic once.
        expect(await outbox(auth.organizationId, 'billing.subscription.activated.v1')).toHaveLength(2);
      });
    });

    it('requires_action then succeeded (approved), delivered succeeded first and twice: one paid invoice', async () => {
      moveTo();
      await holdingWebhooks(async (receiver) => {
        const auth = await organization('pm_card_authenticationRequired');
        await start(auth, 'basic', 2);
        const requiresAction = await held(receiver, auth, 'payment.requires_action', 1);
        await authenticate(requiresAction, 'approve');
        const succeeded = await held(receiver, auth, 'payment.succeeded', 1);
        await deliver(succeeded, requiresAction, succeeded, requiresAction);

        const billing = await read(auth);
        expect(billing.subscription.status).toBe('active');
        expect(billing.invoices).toMatchObject([
          {
            number: 'INV-000001',
            status: 'paid',
            totalCents: '5800',
            amountPaidCents: '5800',
            payments: [{ attempt: 1, status: 'succeeded' }],
          },
        ]);
        expect(await transitions(auth.organizationId)).toEqual([
          ['INV-000001', 'open', 'paid', null, '5800', '5800'],
        ]);
        expect(await outbox(auth.organizationId, 'billing.subscription.activated.v1')).toHaveLength(2);
      });
    });
  });

  describe('payInvoice', () => {
    it('pays an overdue renewal by hand: paid, active again, dunning over; no personal data in the events', async () => {
      moveTo();
      const auth = await organization('pm_card_visa');
      // Personal billing details, which no invoice event may carry.
      await run(
        auth,
        `mutation ($input: UpdateBillingInfoInput!) { updateBillingInfo(input: $input) { currency } }`,
        {
          input: {
            contact: { name: 'Grace Hopper', email: 'grace.hopper@example.com', phone: '+12025550143' },
            address: { line1: '1 Compiler Way', city: 'Arlington', postalCode: '22202', country: 'US' },
            invoiceEmail: 'invoices@hopper.example.com',
          },
        },
      );
      const paid = await paidBasic(auth, 1);
      const { failedAt, state } = await declinedRenewal(auth, paid);
      expect(state.subscription).toMatchObject({
        status: 'past_due',
        paymentRetries: 0,
        nextPaymentRetryAt: iso(after(failedAt, DAY)),
      });
      const renewal = state.invoices[0];
      expect(renewal).toMatchObject({
        number: 'INV-000002',
        status: 'open',
        totalCents: '2900',
        attemptCount: 1,
      });

      await setCard(auth, 'pm_card_visa');
      const paying = await payInvoice(auth, renewal?.id ?? '');
      expect(paying.errors).toBeUndefined();
      expect(paying.data?.payInvoice).toMatchObject({ number: 'INV-000002', attemptCount: 2 });
      const billing = await until(
        auth,
        'the payment by hand',
        (next) => next.subscription.status === 'active' && next.invoices[0]?.status === 'paid',
      );
      expect(billing.subscription).toMatchObject({ nextPaymentRetryAt: null, paymentRetries: 0 });
      expect(billing.invoices[0]).toMatchObject({
        number: 'INV-000002',
        amountPaidCents: '2900',
        attemptCount: 2,
        payments: [
          { attempt: 1, status: 'failed', failureCode: 'card_declined' },
          { attempt: 2, status: 'succeeded', failureCode: null },
        ],
      });
      // Paid already: nothing left to pay.
      const again = await payInvoice(auth, renewal?.id ?? '');
      expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', details: { status: 'paid' } });

      expect(await transitions(auth.organizationId)).toEqual([
        ['INV-000001', 'open', 'paid', null, '2900', '2900'],
        ['INV-000002', 'open', 'paid', null, '2900', '2900'],
      ]);
      expect((await changesOf(auth.organizationId)).slice(-2).map(({ data }) => data.change)).toEqual([
        'payment_failed',
        'payment_recovered',
      ]);
      const payloads = JSON.stringify(await outbox(auth.organizationId, 'billing.invoice.status_changed.v1'));
      for (const personal of ['Grace', 'Hopper', 'hopper', '2025550143', 'Compiler', 'Arlington']) {
        expect(payloads).not.toContain(personal);
      }
    });

    it('refuses to charge a pending start’s invoice again while its first charge is in flight', async () => {
      moveTo();
      await holdingWebhooks(async (receiver) => {
        const auth = await organization('pm_card_visa');
        await start(auth, 'basic', 1);
        // The provider charged the card; billing has not heard the outcome yet (the webhook is held).
        const succeeded = await held(receiver, auth, 'payment.succeeded', 1);
        const inFlight = await until(
          auth,
          'the charge sent',
          (state) => state.invoices[0]?.payments[0]?.status === 'processing',
        );
        const second = await payInvoice(auth, inFlight.invoices[0]?.id ?? '');
        expect(second.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');

        await deliver(succeeded);
        const billing = await read(auth);
        expect(billing.subscription.status).toBe('active');
        // One charge of the invoice, never two.
        expect(billing.invoices).toMatchObject([
          {
            number: 'INV-000001',
            status: 'paid',
            attemptCount: 1,
            payments: [{ attempt: 1, status: 'succeeded' }],
          },
        ]);
      });
    });

    it('a payment by hand declined during dunning does not stall the retry scheduled a day after the decline', async () => {
      moveTo();
      const auth = await organization('pm_card_visa');
      const paid = await paidBasic(auth, 1);
      const { failedAt, state } = await declinedRenewal(auth, paid);
      const renewalId = state.invoices[0]?.id ?? '';

      // By hand with the same declined card: attempt 2 fails; dunning's schedule is unchanged.
      const paying = await payInvoice(auth, renewalId);
      expect(paying.errors).toBeUndefined();
      const declined = await until(
        auth,
        'the declined payment by hand',
        (next) => next.invoices[0]?.payments[1]?.status === 'failed',
      );
      expect(declined.subscription).toMatchObject({
        status: 'past_due',
        paymentRetries: 0,
        nextPaymentRetryAt: iso(after(failedAt, DAY)),
      });

      // A good card, and the retry a day after the decline charges it as a new attempt.
      await setCard(auth, 'pm_card_visa');
      moveTo(after(failedAt, DAY + MINUTE));
      const billing = await until(
        auth,
        'the retry',
        (next) => next.subscription.status === 'active' && next.invoices[0]?.status === 'paid',
      );
      expect(billing.invoices[0]).toMatchObject({
        number: 'INV-000002',
        amountPaidCents: '2900',
        attemptCount: 3,
        payments: [
          { attempt: 1, status: 'failed', failureCode: 'card_declined' },
          { attempt: 2, status: 'failed', failureCode: 'card_declined' },
          { attempt: 3, status: 'succeeded', failureCode: null },
        ],
      });
    });
  });

  describe('cancel immediately', () => {
    it('while past due: canceled now, the overdue invoice void, Free’s entitlements, seats kept until it expires', async () => {
      moveTo();
      const auth = await organization('pm_card_visa');
      const paid = await paidBasic(auth, 2);
      expect(paid.subscription.seats).toEqual({ limit: 2, assigned: 1, available: 1 });
      const { state } = await declinedRenewal(auth, paid);
      expect(state.entitlements).toMatchObject({ plan: { id: 'basic' }, contactLimit: 1000 });

      const now = moveTo();
      const canceled = await cancel(auth, false);
      expect(canceled.errors).toBeUndefined();
      expect(canceled.data?.cancelSubscription).toMatchObject({
        status: 'canceled',
        cancellationReason: 'requested',
        canceledAt: iso(now),
        endDate: iso(now),
        expiresAt: iso(after(now, 30 * DAY)),
        cancelAtPeriodEnd: false,
        nextPaymentRetryAt: null,
      });
      let billing = await read(auth);
      expect(
        billing.invoices.map((invoice) => [invoice.number, invoice.kind, invoice.status, invoice.voidReason]),
      ).toEqual([
        ['INV-000002', 'renewal', 'void', 'canceled'],
        ['INV-000001', 'first_period', 'paid', null],
      ]);
      expect(billing.invoices[0]).toMatchObject({
        totalCents: '5800',
        amountPaidCents: '0',
        attemptCount: 1,
      });
      expect(billing.entitlements).toMatchObject({
        plan: { id: 'free' },
        status: 'canceled',
        contactLimit: 100,
        apiAccess: 'read_only',
        seats: 3,
      });
      expect((await outbox(auth.organizationId, 'billing.entitlements.changed.v1')).at(-1)).toMatchObject({
        data: { planId: 'free', status: 'canceled', entitlements: FREE_ENTITLEMENTS },
      });
      // Reactivatable for 30 days, so its seats stay; canceled twice is refused.
      expect(billing.subscription.seats).toEqual({ limit: 2, assigned: 1, available: 1 });
      expect((await cancel(auth, false)).errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
      expect(await transitions(auth.organizationId)).toEqual([
        ['INV-000001', 'open', 'paid', null, '5800', '5800'],
        ['INV-000002', 'open', 'void', 'canceled', '5800', '5800'],
      ]);
      expect((await changesOf(auth.organizationId)).at(-1)?.data).toMatchObject({
        change: 'canceled',
        status: 'canceled',
      });

      // The window closes: expired, the seats released, and the void invoice was never charged again.
      moveTo(after(now, 30 * DAY + MINUTE));
      billing = await until(auth, 'the expiry', (next) => next.subscription.status === 'expired');
      expect(billing.subscription.seats).toEqual({ limit: 2, assigned: 0, available: 2 });
      expect(billing.invoices[0]).toMatchObject({ number: 'INV-000002', status: 'void', attemptCount: 1 });
      expect((await outbox(auth.organizationId, 'billing.seat.unassigned.v1')).at(-1)).toMatchObject({
        data: { cause: 'subscription_ended', seatsAssigned: 0 },
      });
    });

    it('a pending start (its charge declined): canceled now, its invoice void, over at once with nothing revoked', async () => {
      moveTo();
      const auth = await organization('pm_card_chargeDeclined');
      await start(auth, 'basic', 1);
      const pending = await until(
        auth,
        'the declined first charge',
        (state) => state.invoices[0]?.payments[0]?.status === 'failed',
      );
      expect(pending.subscription.status).toBe('pending');
      // Nothing paid, nothing to keep until a period's end.
      expect((await cancel(auth, true)).errors?.[0]?.extensions?.['code']).toBe('CONFLICT');

      const now = moveTo();
      const canceled = await cancel(auth, false);
      expect(canceled.errors).toBeUndefined();
      expect(canceled.data?.cancelSubscription).toMatchObject({
        status: 'canceled',
        cancellationReason: 'requested',
        canceledAt: iso(now),
        expiresAt: iso(now),
      });
      const billing = await until(auth, 'the end', (state) => state.subscription.status === 'expired');
      expect(billing.invoices).toMatchObject([
        {
          number: 'INV-000001',
          status: 'void',
          voidReason: 'canceled',
          totalCents: '2900',
          amountPaidCents: '0',
        },
      ]);
      expect(billing.subscription.seats).toMatchObject({ assigned: 0 });
      expect((await reactivate(auth)).errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
      expect(await transitions(auth.organizationId)).toEqual([
        ['INV-000001', 'open', 'void', 'canceled', '2900', '2900'],
      ]);
      // It never granted Basic: the organization kept Free's entitlements from sign-up throughout.
      const entitlements = await outbox(auth.organizationId, 'billing.entitlements.changed.v1');
      expect(entitlements).toHaveLength(1);
      expect(entitlements[0]).toMatchObject({ data: { planId: 'free', entitlements: FREE_ENTITLEMENTS } });
      expect(billing.entitlements).toMatchObject({ plan: { id: 'free' }, contactLimit: 100 });
      expect(
        (await changesOf(auth.organizationId)).slice(-2).map(({ data }) => [data.change, data.status]),
      ).toEqual([
        ['canceled', 'canceled'],
        ['expired', 'expired'],
      ]);
    });
  });

  describe('reactivate', () => {
    it('within 30 days of canceling: a reactivation invoice for a new period, pending until paid, then Basic again', async () => {
      moveTo();
      const auth = await organization('pm_card_visa');
      await paidBasic(auth, 2);
      const canceledAt = moveTo();
      expect((await cancel(auth, false)).errors).toBeUndefined();
      await until(auth, 'Free’s entitlements', (state) => state.entitlements.plan.id === 'free');

      const at = moveTo(after(canceledAt, 29 * DAY));
      const reactivated = await reactivate(auth);
      expect(reactivated.errors).toBeUndefined();
      expect(reactivated.data?.reactivateSubscription).toMatchObject({
        status: 'pending',
        plan: { id: 'basic' },
        currentPeriodStart: iso(at),
        canceledAt: null,
        expiresAt: iso(after(at, DAY)),
      });
      const billing = await until(
        auth,
        'the reactivation paid',
        (state) => state.subscription.status === 'active' && state.invoices[0]?.status === 'paid',
      );
      expect(billing.invoices[0]).toMatchObject({
        number: 'INV-000002',
        kind: 'reactivation',
        totalCents: '5800',
        amountPaidCents: '5800',
        periodStart: iso(at),
        periodEnd: billing.subscription.currentPeriodEnd,
      });
      expect(billing.subscription).toMatchObject({ currentPeriodStart: iso(at), cancellationReason: null });
      expect(billing.subscription.seats).toEqual({ limit: 2, assigned: 1, available: 1 });
      expect(billing.entitlements).toMatchObject({
        plan: { id: 'basic' },
        status: 'active',
        contactLimit: 1000,
        seats: 2,
      });
      expect(await transitions(auth.organizationId)).toEqual([
        ['INV-000001', 'open', 'paid', null, '5800', '5800'],
        ['INV-000002', 'open', 'paid', null, '5800', '5800'],
      ]);
      expect(
        (await changesOf(auth.organizationId)).slice(-3).map(({ data }) => [data.change, data.status]),
      ).toEqual([
        ['canceled', 'canceled'],
        ['reactivated', 'pending'],
        ['activated', 'active'],
      ]);
    });

    it('after the window: expired, refused with CONFLICT, and it stays expired', async () => {
      moveTo();
      const auth = await organization('pm_card_visa');
      await paidBasic(auth, 1);
      const canceledAt = moveTo();
      expect((await cancel(auth, false)).errors).toBeUndefined();
      moveTo(after(canceledAt, 30 * DAY + MINUTE));
      await until(auth, 'the expiry', (state) => state.subscription.status === 'expired');

      const refused = await reactivate(auth);
      expect(refused.data).toBeNull();
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'CONFLICT',
        details: { status: 'expired', event: 'reactivate' },
      });
      const billing = await read(auth);
      expect(billing.subscription.status).toBe('expired');
      expect(billing.invoices.map((invoice) => [invoice.number, invoice.status])).toEqual([
        ['INV-000001', 'paid'],
      ]);
      expect(billing.entitlements).toMatchObject({ plan: { id: 'free' }, contactLimit: 100 });
    });
  });

  it('dunning gives up: the retries 1, 3 and 5 days after the decline all declined → uncollectible, canceled, Free', async () => {
    moveTo();
    const auth = await organization('pm_card_visa');
    const paid = await paidBasic(auth, 1);
    const { failedAt, state } = await declinedRenewal(auth, paid);
    expect(state.subscription).toMatchObject({
      paymentRetries: 0,
      nextPaymentRetryAt: iso(after(failedAt, DAY)),
    });
    // Past due keeps access.
    expect(state.entitlements).toMatchObject({ plan: { id: 'basic' }, status: 'active' });

    // Retry 1 a day after the decline, retry 2 three days after it; each declined, the next scheduled.
    for (const [retries, day, next] of [
      [1, 1, 3],
      [2, 3, 5],
    ] as const) {
      moveTo(after(failedAt, day * DAY + MINUTE));
      const retried = await until(
        auth,
        `retry ${retries}`,
        (billing) =>
          billing.subscription.paymentRetries === retries && billing.subscription.nextPaymentRetryAt !== null,
      );
      expect(retried.subscription).toMatchObject({
        status: 'past_due',
        nextPaymentRetryAt: iso(after(failedAt, next * DAY)),
      });
      expect(retried.invoices[0]).toMatchObject({ status: 'open', attemptCount: retries + 1 });
    }

    // Retry 3, five days after the decline, is the last.
    const lastRetry = moveTo(after(failedAt, 5 * DAY + MINUTE));
    const billing = await until(auth, 'dunning’s end', (next) => next.subscription.status === 'canceled');
    expect(billing.subscription).toMatchObject({
      cancellationReason: 'payment_failed',
      canceledAt: iso(lastRetry),
      expiresAt: iso(after(lastRetry, 30 * DAY)),
      nextPaymentRetryAt: null,
    });
    expect(
      billing.invoices.map((invoice) => [invoice.number, invoice.kind, invoice.status, invoice.voidReason]),
    ).toEqual([
      ['INV-000002', 'renewal', 'uncollectible', 'uncollectible'],
      ['INV-000001', 'first_period', 'paid', null],
    ]);
    expect(billing.invoices[0]).toMatchObject({
      totalCents: '2900',
      amountDueCents: '2900',
      amountPaidCents: '0',
      attemptCount: 4,
    });
    expect(
      billing.invoices[0]?.payments.map((payment) => [payment.attempt, payment.status, payment.failureCode]),
    ).toEqual([
      [1, 'failed', 'card_declined'],
      [2, 'failed', 'card_declined'],
      [3, 'failed', 'card_declined'],
      [4, 'failed', 'card_declined'],
    ]);
    expect(billing.entitlements).toMatchObject({
      plan: { id: 'free' },
      status: 'canceled',
      contactLimit: 100,
    });
    expect((await outbox(auth.organizationId, 'billing.entitlements.changed.v1')).at(-1)).toMatchObject({
      data: { planId: 'free', status: 'canceled', entitlements: FREE_ENTITLEMENTS },
    });
    expect(await transitions(auth.organizationId)).toEqual([
      ['INV-000001', 'open', 'paid', null, '2900', '2900'],
      ['INV-000002', 'open', 'uncollectible', 'uncollectible', '2900', '2900'],
    ]);
    expect((await changesOf(auth.organizationId)).at(-1)?.data).toMatchObject({
      change: 'canceled',
      status: 'canceled',
    });
    // Uncollectible: nothing left to pay by hand either.
    const pay = await payInvoice(auth, billing.invoices[0]?.id ?? '');
    expect(pay.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      details: { status: 'uncollectible' },
    });
  });

  it('a pending start whose payment window closes: its invoice void, expired, its seat released, Free kept', async () => {
    moveTo();
    const auth = await organization('pm_card_chargeDeclined');
    const startedAt = clock.now();
    const started = await start(auth, 'basic', 1);
    expect(started).toMatchObject({ status: 'pending', expiresAt: iso(after(startedAt, DAY)) });
    const pending = await until(
      auth,
      'the declined first charge',
      (state) => state.invoices[0]?.payments[0]?.status === 'failed',
    );
    expect(pending.subscription).toMatchObject({ status: 'pending', seats: { assigned: 1 } });

    moveTo(after(startedAt, DAY + MINUTE));
    const billing = await until(
      auth,
      'the payment window’s end',
      (state) => state.subscription.status === 'expired',
    );
    expect(billing.invoices).toMatchObject([
      {
        number: 'INV-000001',
        kind: 'first_period',
        status: 'void',
        voidReason: 'payment_window_expired',
        totalCents: '2900',
        amountPaidCents: '0',
        attemptCount: 1,
      },
    ]);
    expect(billing.subscription.seats).toEqual({ limit: 1, assigned: 0, available: 1 });
    expect((await outbox(auth.organizationId, 'billing.seat.unassigned.v1')).at(-1)).toMatchObject({
      data: { cause: 'subscription_ended', seatsAssigned: 0 },
    });
    expect(await transitions(auth.organizationId)).toEqual([
      ['INV-000001', 'open', 'void', 'payment_window_expired', '2900', '2900'],
    ]);
    expect(
      (await changesOf(auth.organizationId)).slice(-2).map(({ data }) => [data.change, data.status]),
    ).toEqual([
      ['payment_failed', 'pending'],
      ['expired', 'expired'],
    ]);
    // Free's entitlements from sign-up, never replaced by Basic's.
    expect(await outbox(auth.organizationId, 'billing.entitlements.changed.v1')).toHaveLength(1);
    expect(billing.entitlements).toMatchObject({ plan: { id: 'free' }, contactLimit: 100 });
    const pay = await payInvoice(auth, billing.invoices[0]?.id ?? '');
    expect(pay.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', details: { status: 'void' } });
  });
});
