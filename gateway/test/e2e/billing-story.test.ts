import { manualClock, type ManualClock } from '@platform/billing';
import { Client } from 'pg';
import { postGraphQL } from '@platform/service-kit/testing';
import { eventually } from '@platform/testing';
import { startTestPlatform, type TestPlatform } from './platform';
import { seeds, type Member } from './seed';

// A subscription's life through the gateway, on billing's clock moved forward by the test: sign up
// (Free) → a 14-day Pro trial → the first payment succeeds (active) → two renewals → a declined
// renewal (past due) → the retry a day later succeeds (active) → cancel at the period's end (active
// until then) → canceled → expired 30 days later. Payments go through the local payment provider,
// whose outcomes arrive as signed webhooks; the scheduler runs every 100 ms on the moved clock.

const DAY = 86_400_000;

const STATE = /* GraphQL */ `
  query BillingState {
    me {
      organization {
        entitlements {
          contactLimit
          apiAccess
        }
        subscription {
          status
          plan {
            id
          }
          trialEndsAt
          currentPeriodStart
          currentPeriodEnd
          cancelAtPeriodEnd
          endDate
          nextPaymentRetryAt
          paymentRetries
          expiresAt
        }
        invoices(first: 20) {
          number
          kind
          status
          totalCents
          amountDueCents
          amountPaidCents
          attemptCount
          periodStart
          periodEnd
          lines {
            kind
            description
            quantity
            amountCents
          }
          payments {
            attempt
            status
            failureCode
          }
          document
        }
      }
    }
  }
`;

interface Invoice {
  number: string;
  kind: string;
  status: string;
  totalCents: string;
  amountDueCents: string;
  amountPaidCents: string;
  attemptCount: number;
  periodStart: string | null;
  periodEnd: string | null;
  lines: Array<{ kind: string; description: string; quantity: string | null; amountCents: string }>;
  payments: Array<{ attempt: number; status: string; failureCode: string | null }>;
  document: string;
}

interface BillingState {
  me: {
    organization: {
      entitlements: { contactLimit: number | null; apiAccess: string } | null;
      subscription: {
        status: string;
        plan: { id: string };
        trialEndsAt: string | null;
        currentPeriodStart: string;
        currentPeriodEnd: string;
        cancelAtPeriodEnd: boolean;
        endDate: string | null;
        nextPaymentRetryAt: string | null;
        paymentRetries: number;
        expiresAt: string | null;
      } | null;
      invoices: Invoice[];
    };
  };
}

describe('a subscription’s life through the gateway, on a clock the test moves', () => {
  let platform: TestPlatform;
  let clock: ManualClock;

  beforeAll(async () => {
    clock = manualClock(new Date());
    platform = await startTestPlatform({ billing: { clock, subscriptionSchedulerIntervalMs: 100 } });
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  const read = (admin: Member) => admin.run<BillingState>(STATE);

  /** Reads until `done` holds (the scheduler and the provider's webhooks work in the background). */
  async function until(
    admin: Member,
    what: string,
    done: (state: BillingState['me']['organization']) => boolean,
  ): Promise<BillingState['me']['organization']> {
    const deadline = Date.now() + 30_000;
    let last: BillingState['me']['organization'] | null = null;
    while (Date.now() < deadline) {
      last = (await read(admin)).me.organization;
      if (done(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${what} did not happen within 30 s; last state: ${JSON.stringify(last?.subscription)}`);
  }

  const statuses = (organization: BillingState['me']['organization']) =>
    organization.invoices.map((invoice) => [invoice.number, invoice.kind, invoice.status]);

  async function setCard(admin: Member, token: string): Promise<void> {
    await admin.run(
      /* GraphQL */ `
        mutation Card($token: String!) {
          setPaymentMethod(token: $token) {
            last4
          }
        }
      `,
      { token },
    );
  }

  it('trial → paid → renewed twice → declined → recovered → canceled at period end → expired', async () => {
    const { admin } = await seeds(platform).organization('Billing');
    await until(admin, 'sign-up provisioning', (org) => org.subscription?.plan.id === 'free');
    // A contact, metered by billing from crm's event: the renewals report it.
    await admin.contact({ givenName: 'Ada' });

    // A Pro trial of 14 days with 3 seats: active at once, no invoice, Pro's entitlements.
    await setCard(admin, 'pm_card_visa');
    const started = await admin.run<{ startSubscription: { status: string; trialEndsAt: string } }>(
      /* GraphQL */ `
        mutation Start {
          startSubscription(input: { planId: "pro", billingCycle: monthly, seats: 3, trialDays: 14 }) {
            status
            trialEndsAt
          }
        }
      `,
    );
    expect(started.startSubscription.status).toBe('active');
    const trialEnd = new Date(started.startSubscription.trialEndsAt);
    expect(trialEnd.getTime() - clock.now().getTime()).toBe(14 * DAY);
    let org = await until(admin, 'Pro entitlements', (state) => state.entitlements?.contactLimit === 10_000);
    expect(org.subscription).toMatchObject({ status: 'active', plan: { id: 'pro' } });
    expect(org.invoices).toEqual([]);

    // The trial ends: the first paid period is invoiced (3 × $99) and the charge succeeds.
    clock.set(new Date(trialEnd.getTime() + 60_000));
    // The subscription and the invoices are read in two transactions: each wait asks for both.
    org = await until(
      admin,
      'the first payment',
      (state) => state.invoices[0]?.status === 'paid' && state.subscription?.trialEndsAt === null,
    );
    expect(statuses(org)).toEqual([['INV-000001', 'first_period', 'paid']]);
    expect(org.invoices[0]).toMatchObject({ totalCents: '29700', amountPaidCents: '29700', attemptCount: 1 });
    expect(org.invoices[0]?.document).toContain('INV-000001');
    expect(org.subscription).toMatchObject({ status: 'active', trialEndsAt: null });

    // Two renewals, each paid.
    for (const number of ['INV-000002', 'INV-000003']) {
      const periodEnd = new Date(org.subscription?.currentPeriodEnd ?? '');
      clock.set(new Date(periodEnd.getTime() + 60_000));
      org = await until(admin, `renewal ${number}`, (state) =>
        state.invoices.some((invoice) => invoice.number === number && invoice.status === 'paid'),
      );
      expect(org.invoices[0]).toMatchObject({ number, kind: 'renewal', status: 'paid', totalCents: '29700' });
      expect(org.invoices[0]?.periodStart).toBe(periodEnd.toISOString());
      // The period that ended is reported as metered lines, which the plan includes (no charge).
      expect(org.invoices[0]?.lines.filter((line) => line.kind === 'usage')).toEqual([
        {
          kind: 'usage',
          description: 'Contacts stored (peak), included in the plan',
          quantity: '1',
          amountCents: '0',
        },
      ]);
    }

    // The card is declined at the next renewal: past due, the invoice stays open, a retry in a day.
    await setCard(admin, 'pm_card_chargeDeclined');
    const declinedPeriodEnd = new Date(org.subscription?.currentPeriodEnd ?? '');
    clock.set(new Date(declinedPeriodEnd.getTime() + 60_000));
    org = await until(
      admin,
      'the declined renewal',
      (state) => state.subscription?.status === 'past_due' && state.invoices[0]?.number === 'INV-000004',
    );
    expect(statuses(org)[0]).toEqual(['INV-000004', 'renewal', 'open']);
    expect(org.subscription?.nextPaymentRetryAt).toBe(new Date(clock.now().getTime() + DAY).toISOString());
    // Past due keeps access: still Pro.
    expect(org.entitlements?.contactLimit).toBe(10_000);

    // A new card, and the retry a day later succeeds: active again, the same invoice paid.
    await setCard(admin, 'pm_card_visa');
    clock.advance(DAY + 60_000);
    org = await until(
      admin,
      'the retry',
      (state) => state.subscription?.status === 'active' && state.invoices[0]?.status === 'paid',
    );
    expect(statuses(org)[0]).toEqual(['INV-000004', 'renewal', 'paid']);
    expect(org.invoices[0]?.attemptCount).toBe(2);
    expect(org.invoices[0]?.payments).toEqual([
      { attempt: 1, status: 'failed', failureCode: 'card_declined' },
      { attempt: 2, status: 'succeeded', failureCode: null },
    ]);

    // Cancel at the period's end: active until then, no new invoice.
    const canceling = await admin.run<{
      cancelSubscription: { status: string; cancelAtPeriodEnd: boolean; endDate: string };
    }>(/* GraphQL */ `
      mutation Cancel {
        cancelSubscription(atPeriodEnd: true) {
          status
          cancelAtPeriodEnd
          endDate
        }
      }
    `);
    const periodEnd = new Date(org.subscription?.currentPeriodEnd ?? '');
    expect(canceling.cancelSubscription).toEqual({
      status: 'active',
      cancelAtPeriodEnd: true,
      endDate: periodEnd.toISOString(),
    });
    clock.set(new Date(periodEnd.getTime() - 60_000));
    await new Promise((resolve) => setTimeout(resolve, 500));
    org = (await read(admin)).me.organization;
    expect(org.subscription).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });

    // The period ends: canceled, premium features revoked (Free's limits), no invoice, data kept.
    clock.set(new Date(periodEnd.getTime() + 60_000));
    org = await until(admin, 'the cancellation', (state) => state.subscription?.status === 'canceled');
    org = await until(admin, 'Free entitlements', (state) => state.entitlements?.contactLimit === 100);
    expect(org.entitlements?.apiAccess).toBe('read_only');
    expect(org.subscription?.expiresAt).toBe(new Date(periodEnd.getTime() + 30 * DAY).toISOString());

    // 30 days later the reactivation window closes: expired.
    clock.set(new Date(periodEnd.getTime() + 30 * DAY + 60_000));
    org = await until(admin, 'the expiry', (state) => state.subscription?.status === 'expired');

    expect(statuses(org)).toEqual([
      ['INV-000004', 'renewal', 'paid'],
      ['INV-000003', 'renewal', 'paid'],
      ['INV-000002', 'renewal', 'paid'],
      ['INV-000001', 'first_period', 'paid'],
    ]);
  }, 240_000);

  it('after a downgrade to Free the 101st contact is refused with PLAN_LIMIT_REACHED, and its API key cannot write', async () => {
    const { admin } = await seeds(platform).organization('Downgrade');
    await until(admin, 'sign-up provisioning', (org) => org.subscription?.plan.id === 'free');
    await setCard(admin, 'pm_card_visa');
    await admin.run(`mutation { startSubscription(input: { planId: "pro", seats: 2 }) { status } }`);
    let org = await until(
      admin,
      'Pro paid',
      (state) => state.subscription?.status === 'active' && state.invoices[0]?.status === 'paid',
    );
    expect(statuses(org)).toEqual([['INV-000001', 'first_period', 'paid']]);

    // A partner key with full API access on Pro writes the first of 100 contacts.
    const key = await admin.run<{ createApiKey: { secret: string } }>(
      `mutation { createApiKey(input: { name: "partner", scopes: ["contacts:read", "contacts:write"] }) { secret } }`,
    );
    const withKey = (query: string) =>
      postGraphQL(platform.gateway.graphqlUrl, query, {}, { 'x-api-key': key.createApiKey.secret });
    await eventually('the key writes on Pro', async () => {
      const written = await withKey(`mutation { createContact(input: { givenName: "By key" }) { id } }`);
      return written.errors === undefined;
    });
    const more = Array.from({ length: 99 }, (_, index) => ({ givenName: `Contact ${index + 2}` }));
    await eventually('crm has the Pro limits', async () => {
      const imported = await platform.graphql(
        `mutation($contacts: [CreateContactInput!]!) { importContacts(contacts: $contacts) { id } }`,
        { contacts: more },
        admin.accessToken,
      );
      return imported.errors === undefined;
    });

    // Down to Free at the period's end: Pro until then, Free after (no invoice: Free costs nothing).
    const scheduled = await admin.run<{
      changeSubscriptionPlan: { plan: { id: string }; scheduledPlan: { id: string } };
    }>(
      `mutation { changeSubscriptionPlan(input: { planId: "free", seats: 1 }) { plan { id } scheduledPlan { id } } }`,
    );
    expect(scheduled.changeSubscriptionPlan).toEqual({ plan: { id: 'pro' }, scheduledPlan: { id: 'free' } });
    clock.set(new Date(new Date(org.subscription?.currentPeriodEnd ?? '').getTime() + 60_000));
    org = await until(
      admin,
      'the downgrade',
      (state) => state.entitlements?.contactLimit === 100 && state.subscription?.plan.id === 'free',
    );
    expect(org.subscription).toMatchObject({ status: 'active', plan: { id: 'free' } });
    expect(statuses(org)).toEqual([['INV-000001', 'first_period', 'paid']]);

    // crm refuses the 101st contact once its copy of the entitlements has Free's limit; the 100 stay.
    const crm = new Client({ connectionString: platform.databases.crm.superuserUrl });
    await crm.connect();
    try {
      await eventually('crm has Free’s limits', async () => {
        const { rows } = await crm.query<{ contact_limit: number | null }>(
          'select contact_limit from organization_entitlements where organization_id = $1',
          [admin.organizationId],
        );
        return rows[0]?.contact_limit === 100;
      });
    } finally {
      await crm.end();
    }
    const refused = await platform.graphql(
      `mutation { createContact(input: { givenName: "One too many" }) { id } }`,
      {},
      admin.accessToken,
    );
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'PLAN_LIMIT_REACHED' });
    const count = await admin.run<{ contacts: { totalCount: number } }>(
      `{ contacts(first: 1) { totalCount } }`,
    );
    expect(count.contacts.totalCount).toBe(100);

    // A Free organization's API key reads, and is refused any mutation at the gateway.
    const blocked = await eventually('the gateway knows the key is read-only', async () => {
      const written = await withKey(`mutation { createContact(input: { givenName: "By key" }) { id } }`);
      return written.errors?.[0]?.extensions?.code === 'FORBIDDEN' ? written : undefined;
    });
    expect(blocked.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      details: { reason: 'plan_feature', current: 'read_only', planId: 'free' },
    });
    const readable = await withKey(`{ contacts(first: 1) { totalCount } }`);
    expect(readable.data).toEqual({ contacts: { totalCount: 100 } });
  }, 240_000);
});
