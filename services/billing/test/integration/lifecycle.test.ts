import { generateFieldKeyring, parseFieldKeyring, withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { manualClock } from '../../src/clock';
import { provisionOrganization } from '../../src/consumers/provisioning';
import { PAYMENT_WEBHOOK_PATH } from '../../src/modules/payment/infra/webhook-route';
import { startBillingService } from '../../src/service';
import { billingOnClock } from './lifecycle-support';
import { startWebhookReceiver } from './payment-support';

// Subscriptions through billing's subgraph on a clock the test moves: the scheduler renews, the local
// payment provider charges and answers with signed webhooks, invoices are issued and settled. The
// proration of an upgrade comes out in the exact cents of README's formula; a downgrade waits for the
// period's end; webhooks delivered twice and out of order leave one state.

const APRIL_1 = new Date('2027-04-01T00:00:00.000Z');
const APRIL_16 = new Date('2027-04-16T00:00:00.000Z');
const MAY_1 = new Date('2027-05-01T00:00:00.000Z');
const MINUTE = 60_000;

const SUBSCRIPTION_FIELDS = `
  status
  plan { id }
  seatsLimit
  seatPriceMonthlyCents
  currentPeriodStart
  currentPeriodEnd
  scheduledPlan { id }
  scheduledSeats
  creditBalanceCents`;
const SUBSCRIPTION = `subscription { ${SUBSCRIPTION_FIELDS} }`;
const INVOICES = `
  invoices(first: 10) {
    id
    number
    kind
    status
    subtotalCents
    totalCents
    amountDueCents
    amountPaidCents
    periodStart
    periodEnd
    lines { kind description amountCents seats plan { id } periodStart periodEnd }
    document
  }`;

interface Invoice {
  id: string;
  number: string;
  kind: string;
  status: string;
  subtotalCents: string;
  totalCents: string;
  amountDueCents: string;
  amountPaidCents: string;
  periodStart: string | null;
  periodEnd: string | null;
  lines: Array<{
    kind: string;
    description: string;
    amountCents: string;
    seats: number | null;
    plan: { id: string } | null;
    periodStart: string | null;
    periodEnd: string | null;
  }>;
  document: string;
}

interface Subscription {
  status: string;
  plan: { id: string };
  seatsLimit: number;
  seatPriceMonthlyCents: string;
  currentPeriodStart: string;
  currentPeriodEnd: string;
  scheduledPlan: { id: string } | null;
  scheduledSeats: number | null;
  creditBalanceCents: string;
}

interface Billing {
  subscription: Subscription;
  invoices: Invoice[];
}

describe('subscription lifecycle through billing', () => {
  const { clock, subject, call, run, read, until, organization } = billingOnClock<Billing>(
    APRIL_1,
    `${SUBSCRIPTION} ${INVOICES}`,
  );

  const start = (auth: TestTenant, planId: string, seats: number) =>
    run<{ startSubscription: Subscription }>(
      auth,
      `mutation ($input: StartSubscriptionInput!) { startSubscription(input: $input) { ${SUBSCRIPTION_FIELDS} } }`,
      { input: { planId, billingCycle: 'monthly', seats } },
    );

  const change = (auth: TestTenant, planId: string, seats: number) =>
    call<{ changeSubscriptionPlan: Subscription }>(
      auth,
      `mutation ($input: ChangeSubscriptionPlanInput!) { changeSubscriptionPlan(input: $input) { status plan { id } scheduledPlan { id } scheduledSeats } }`,
      { input: { planId, seats } },
    );

  const entitlementEvents = async (organizationId: string) =>
    (
      await subject.service.database.outboxEvent.findMany({
        where: { eventType: 'billing.entitlements.changed.v1', partitionKey: organizationId },
        orderBy: { seq: 'asc' },
      })
    ).map((row) => row.payload);

  it('upgrades Basic → Pro halfway through April with the prorated invoice, and downgrades at the period’s end', async () => {
    clock.set(APRIL_1);
    const auth = await organization();

    // Basic, 3 seats, from April 1: pending until its first invoice (3 × $29) is paid.
    const started = await start(auth, 'basic', 3);
    expect(started.startSubscription.status).toBe('pending');
    let billing = await until(
      auth,
      'the first payment',
      // The subscription and the invoices are read in two transactions: wait for both to show it.
      (state) => state.subscription.status === 'active' && state.invoices[0]?.status === 'paid',
    );
    expect(billing.invoices.map((invoice) => [invoice.number, invoice.kind, invoice.status])).toEqual([
      ['INV-000001', 'first_period', 'paid'],
    ]);
    expect(billing.invoices[0]).toMatchObject({ totalCents: '8700', amountPaidCents: '8700' });
    expect(billing.subscription.currentPeriodEnd).toBe(MAY_1.toISOString());

    // Halfway through April's 30 days: credit 8,700 × 15/30 = 4,350; charge 29,700 × 15/30 = 14,850.
    clock.set(APRIL_16);
    const upgraded = await change(auth, 'pro', 3);
    expect(upgraded.errors).toBeUndefined();
    expect(upgraded.data?.changeSubscriptionPlan).toMatchObject({ status: 'active', plan: { id: 'pro' } });
    billing = await until(auth, 'the proration paid', (state) => state.invoices[0]?.status === 'paid');
    const proration = billing.invoices[0];
    expect(proration).toMatchObject({
      number: 'INV-000002',
      kind: 'proration',
      subtotalCents: '10500',
      totalCents: '10500',
      amountDueCents: '10500',
      amountPaidCents: '10500',
      periodStart: APRIL_16.toISOString(),
      periodEnd: MAY_1.toISOString(),
    });
    expect(proration?.lines.map((line) => [line.kind, line.plan?.id, line.seats, line.amountCents])).toEqual([
      ['proration_credit', 'basic', 3, '-4350'],
      ['proration_charge', 'pro', 3, '14850'],
    ]);
    expect(proration?.document).toContain('105.00 USD');
    const afterUpgrade = await entitlementEvents(auth.organizationId);
    expect(afterUpgrade.at(-1)).toMatchObject({
      data: { planId: 'pro', entitlements: { contactLimit: 10_000 } },
    });

    // Back to Basic: scheduled for May 1, nothing charged or credited now, Pro until then.
    const downgraded = await change(auth, 'basic', 2);
    expect(downgraded.data?.changeSubscriptionPlan).toMatchObject({
      plan: { id: 'pro' },
      scheduledPlan: { id: 'basic' },
      scheduledSeats: 2,
    });
    expect((await read(auth)).invoices).toHaveLength(2);

    // May 1: the renewal bills Basic for 2 seats, and the entitlements follow.
    clock.set(new Date(MAY_1.getTime() + MINUTE));
    billing = await until(
      auth,
      'the renewal',
      (state) => state.invoices.length === 3 && state.invoices[0]?.status === 'paid',
    );
    expect(billing.subscription).toMatchObject({ plan: { id: 'basic' }, seatsLimit: 2, scheduledPlan: null });
    expect(billing.invoices[0]).toMatchObject({ number: 'INV-000003', kind: 'renewal', totalCents: '5800' });
    expect((await entitlementEvents(auth.organizationId)).at(-1)).toMatchObject({
      data: {
        planId: 'basic',
        version: afterUpgrade.length + 1,
        entitlements: { contactLimit: 1000, seats: 2 },
      },
    });
  });

  it('refuses a second start while one is live, and a plan that does not exist', async () => {
    clock.set(new Date(clock.now().getTime() + MINUTE));
    const auth = await organization();
    await start(auth, 'pro', 1);
    await until(auth, 'activation', (state) => state.subscription.status === 'active');
    // Another start is refused: change the live one instead.
    const again = await call(
      auth,
      `mutation { startSubscription(input: { planId: "basic", seats: 1 }) { status } }`,
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const bad = await change(auth, 'platinum', 0);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('leaves one state when the provider’s webhooks arrive twice and in reverse order', async () => {
    clock.set(new Date(clock.now().getTime() + MINUTE));
    const receiver = await startWebhookReceiver();
    const local = subject.service.localPaymentProvider;
    if (!local) throw new Error('the local provider runs in-process');
    try {
      local.setWebhookUrl(receiver.url);
      const auth = await organization();
      await start(auth, 'basic', 1);
      const delivery = await receiver.waitFor((candidate) => candidate.event.type === 'payment.succeeded');
      expect((await read(auth)).subscription.status).toBe('pending');
      const deliveries = [...receiver.deliveries].reverse();
      for (const each of [...deliveries, ...deliveries, delivery]) {
        const response = await fetch(`${subject.service.url}${PAYMENT_WEBHOOK_PATH}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'local-signature': String(each.headers['local-signature']),
          },
          body: each.body,
        });
        expect(response.status).toBe(200);
      }
      const billing = await read(auth);
      expect(billing.subscription.status).toBe('active');
      expect(
        billing.invoices.map((invoice) => [invoice.number, invoice.status, invoice.amountPaidCents]),
      ).toEqual([['INV-000001', 'paid', '2900']]);
      const updates = await subject.service.database.outboxEvent.findMany({
        where: {
          eventType: 'billing.subscription.updated.v1',
          payload: { path: ['tenantid'], equals: auth.organizationId },
        },
        orderBy: { seq: 'asc' },
      });
      // Free from sign-up, replaced by Basic, which was activated once.
      expect(updates.map((row) => row.payload)).toMatchObject([
        { data: { change: 'started', planId: 'free' } },
        { data: { change: 'replaced', planId: 'free', status: 'expired' } },
        { data: { change: 'started', planId: 'basic', status: 'pending' } },
        { data: { change: 'activated', planId: 'basic', status: 'active' } },
      ]);
    } finally {
      local.setWebhookUrl(`${subject.service.url}${PAYMENT_WEBHOOK_PATH}`);
      await receiver.close();
    }
  });

  it('bills in the organization’s currency from its price list, and fixes that currency', async () => {
    clock.set(new Date(clock.now().getTime() + MINUTE));
    const auth = await organization();
    await run(auth, `mutation { updateBillingInfo(input: { currency: "EUR" }) { currency } }`);
    await start(auth, 'pro', 2);
    const billing = await until(
      auth,
      'the first payment',
      // The subscription and the invoices are read in two transactions: wait for both to show it.
      (state) => state.subscription.status === 'active' && state.invoices[0]?.status === 'paid',
    );
    expect(billing.subscription.seatPriceMonthlyCents).toBe('9200');
    expect(billing.invoices[0]).toMatchObject({ totalCents: '18400', status: 'paid' });
    const currency = await run<{ invoice: { currency: string; payments: Array<{ currency: string }> } }>(
      auth,
      `query ($id: ID!) { invoice(id: $id) { currency payments { currency } } }`,
      { id: billing.invoices[0]?.id },
    );
    expect(currency.invoice).toEqual({ currency: 'EUR', payments: [{ currency: 'eur' }] });
    expect(billing.invoices[0]?.document).toContain('184.00 EUR');
    const changed = await call(
      auth,
      `mutation { updateBillingInfo(input: { currency: "GBP" }) { currency } }`,
    );
    expect(changed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('a payment whose webhook never comes', () => {
  const clock = manualClock(APRIL_1);
  const subject = serviceUnderTest('billing', (env) =>
    startBillingService({
      ...env.startOptions(),
      consumers: false,
      clock,
      localPaymentProvider: { outcomeDelayMs: 20 },
      paymentDispatch: { pollIntervalMs: 100, reconcileAfterMs: 300 },
      piiKeyring: parseFieldKeyring(generateFieldKeyring()),
    }),
  );

  it('is settled by asking the provider: the subscription is activated all the same, once', async () => {
    const local = subject.service.localPaymentProvider;
    if (!local) throw new Error('the local provider runs in-process');
    // The provider decides, and its webhooks go nowhere.
    local.setWebhookUrl(null);
    const auth = newTenant();
    await withTenant(subject.service.database, auth.organizationId, (tx) =>
      provisionOrganization(tx, auth.organizationId, clock.now()),
    );
    const headers = await subject.env.headersFor(auth);
    const graphql = (query: string) => subject.env.graphql(subject.service.graphqlUrl, query, {}, headers);
    expect(
      (
        await graphql(`
          mutation {
            setPaymentMethod(token: "pm_card_visa") {
              last4
            }
          }
        `)
      ).errors,
    ).toBeUndefined();
    expect(
      (
        await graphql(`
          mutation {
            startSubscription(input: { planId: "basic", seats: 1 }) {
              status
            }
          }
        `)
      ).errors,
    ).toBeUndefined();
    const deadline = Date.now() + 20_000;
    let status = '';
    while (Date.now() < deadline && status !== 'active') {
      const [organization] = await subject.env.entities<{ subscription: { status: string } }>(
        subject.service.graphqlUrl,
        '... on Organization { subscription { status } }',
        auth,
        [{ __typename: 'Organization', id: auth.organizationId }],
      );
      status = organization?.subscription.status ?? '';
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe('active');
    const activated = await subject.service.database.outboxEvent.count({
      where: {
        eventType: 'billing.subscription.activated.v1',
        payload: { path: ['tenantid'], equals: auth.organizationId },
      },
    });
    // Free at sign-up, then Basic once.
    expect(activated).toBe(2);
  });
});
