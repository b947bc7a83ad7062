import { randomUUID } from 'node:crypto';
import { createEvent, toKafkaMessage, topicName, type CatalogEvent } from '@platform/events';
import { withTenant } from '@platform/service-kit';
import {
  newTenant,
  serviceUnderTest,
  type ServiceUnderTest,
  type TestTenant,
} from '@platform/service-kit/testing';
import { PROVISIONING_GROUP, provisionOrganization } from '../../src/consumers/provisioning';
import { httpPaymentProvider } from '../../src/modules/payment/infra/http-payment-provider';
import { startLocalPaymentProvider } from '../../src/modules/payment/infra/local-provider/server';
import { PAYMENT_WEBHOOK_PATH } from '../../src/modules/payment/infra/webhook-route';
import { subscriptionTransaction } from '../../src/modules/subscription/infra/subscription-repository';
import { startBillingService, type BillingService } from '../../src/service';
import { startFlakyProxy, type FlakyProxy } from './payment-support';

// The subscription module against real PostgreSQL and Kafka: identity.organization.created.v1 comes in
// through the provisioning consumer, the subscription and its billing.subscription.activated.v1 and
// billing.entitlements.changed.v1 outbox rows commit in one transaction, and redeliveries change nothing.

const ACTIVATED = 'billing.subscription.activated.v1';
const UPDATED = 'billing.subscription.updated.v1';
const ENTITLEMENTS_CHANGED = 'billing.entitlements.changed.v1';

const SUBSCRIPTION_FIELDS = `id status currency createdBy { id } externalSubscriptionId metadata createdAt updatedAt
  plan { id }`;

interface GraphSubscription {
  id: string;
  status: string;
  currency: string;
  createdBy: { id: string } | null;
  externalSubscriptionId: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  plan: { id: string };
}

/** Waits (up to 20 s) until `read` answers something other than undefined. */
async function eventually<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What the provider-side subscription tests do through billing and at the provider itself. */
function throughBilling(
  subject: ServiceUnderTest<BillingService>,
  provider: () => { url: string; secretKey: string },
) {
  async function call<T>(auth: TestTenant, query: string, variables: Record<string, unknown> = {}) {
    const { env, service } = subject;
    const answer = await env.graphql<T>(service.graphqlUrl, query, variables, await env.headersFor(auth));
    expect(answer.errors).toBeUndefined();
    if (!answer.data) throw new Error('no data');
    return answer.data;
  }

  return {
    call,
    /** A new organization on Free with a card that pays, set by its user. */
    async organizationWithCard(): Promise<TestTenant> {
      const auth = newTenant();
      await withTenant(subject.service.database, auth.organizationId, (tx) =>
        provisionOrganization(tx, auth.organizationId, new Date()),
      );
      await call(auth, `mutation { setPaymentMethod(token: "pm_card_visa") { last4 } }`);
      return auth;
    },
    row: (organizationId: string, id: string) =>
      withTenant(subject.service.database, organizationId, (tx) =>
        tx.organizationSubscription.findUniqueOrThrow({ where: { id } }),
      ),
    customerId: async (organizationId: string) =>
      (
        await withTenant(subject.service.database, organizationId, (tx) =>
          tx.paymentCustomer.findUniqueOrThrow({ where: { organizationId } }),
        )
      ).providerCustomerId,
    /** The subscription as the provider has it (its own API, with its secret key). */
    async atProvider(id: string): Promise<Record<string, unknown>> {
      const { url, secretKey } = provider();
      const answer = await fetch(`${url}/v1/subscriptions/${id}`, {
        headers: { authorization: `Bearer ${secretKey}` },
      });
      expect(answer.status).toBe(200);
      return (await answer.json()) as Record<string, unknown>;
    },
  };
}

describe('subscription module', () => {
  const subject = serviceUnderTest('billing', (env) =>
    startBillingService({
      ...env.startOptions(),
      localPaymentProvider: { outcomeDelayMs: 20 },
      paymentDispatch: { pollIntervalMs: 100 },
    }),
  );

  function organizationCreated(organizationId: string): CatalogEvent<'identity.organization.created.v1'> {
    return createEvent('identity.organization.created.v1', {
      source: '/services/identity',
      subject: organizationId,
      tenantId: organizationId,
      time: new Date('2026-05-01T12:00:00.000Z'),
      data: {
        organizationId,
        name: 'Acme',
        slug: `acme-${organizationId.slice(0, 8)}`,
        vertical: 'general',
        status: 'active',
        parentOrganizationId: null,
        createdAt: '2026-05-01T12:00:00.000Z',
      },
    });
  }

  async function publish(...events: CatalogEvent[]): Promise<void> {
    const { env, service: billing } = subject;
    await billing.messaging.producer.send(
      topicName('identity.organization', env.kafka.topicPrefix),
      events.map(toKafkaMessage),
    );
  }

  /** Waits until the provisioning consumer has committed its handling of `eventId`. */
  async function handled(eventId: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const row = await subject.service.database.processedEvent.findUnique({
        where: { consumerGroup_eventId: { consumerGroup: PROVISIONING_GROUP, eventId } },
      });
      if (row) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`event ${eventId} was not handled within 30 s`);
  }

  const subscriptionsOf = (organizationId: string) =>
    withTenant(subject.service.database, organizationId, (tx) =>
      tx.organizationSubscription.findMany({ where: { organizationId } }),
    );

  const outboxOf = (organizationId: string) =>
    subject.service.database.outboxEvent.findMany({
      where: {
        payload: { path: ['tenantid'], equals: organizationId },
        NOT: { eventType: { endsWith: '.audit.recorded.v1' } },
      },
      orderBy: { seq: 'asc' },
    });

  it('provisions the Free plan from identity.organization.created.v1, its event in the same transaction', async () => {
    const billing = subject.service;
    const organizationId = randomUUID();
    const event = organizationCreated(organizationId);
    await publish(event);
    await handled(event.id);

    const [subscription, ...others] = await subscriptionsOf(organizationId);
    expect(others).toEqual([]);
    expect(subscription).toMatchObject({
      planId: 'free',
      status: 'active',
      billingCycle: 'monthly',
      seatsLimit: 3,
      startDate: new Date(event.time),
      endDate: null,
    });
    const outbox = await outboxOf(organizationId);
    expect(outbox.map((row) => [row.eventType, row.topic, row.partitionKey])).toEqual([
      [ENTITLEMENTS_CHANGED, 'billing.entitlements', organizationId],
      [UPDATED, 'billing.subscription', subscription?.id],
      [ACTIVATED, 'billing.subscription', subscription?.id],
    ]);
    expect(outbox.find((row) => row.eventType === ACTIVATED)?.payload).toMatchObject({
      type: ACTIVATED,
      data: {
        subscriptionId: subscription?.id,
        organizationId,
        planId: 'free',
        status: 'active',
        entitlements: {
          contactLimit: 100,
          customFieldLimit: 5,
          storageGb: 1,
          aiInsights: 'none',
          apiAccess: 'read_only',
          interactionTracking: 'limited',
          support: 'community',
        },
      },
    });
    // One transaction wrote the subscription, the consumer's idempotency mark and the outbox row: the
    // first two share their xmin; the relay has updated the outbox row since (published_at), so it
    // shows the transaction by its start time, which both its created_at and processed_at default to.
    const [written] = await withTenant(
      billing.database,
      organizationId,
      (tx) =>
        tx.$queryRaw<Array<{ subscription: string; processed: string; outboxAt: Date; processedAt: Date }>>`
        select
          (select xmin::text from organization_subscriptions where organization_id = ${organizationId}::uuid) as subscription,
          (select xmin::text from processed_events where event_id = ${event.id}::uuid) as processed,
          (select created_at from outbox_events where payload->>'tenantid' = ${organizationId} and event_type = ${ACTIVATED}) as "outboxAt",
          (select processed_at from processed_events where event_id = ${event.id}::uuid) as "processedAt"`,
    );
    expect(written?.processed).toBe(written?.subscription);
    expect(written?.outboxAt).toEqual(written?.processedAt);
    // The system did it, because of identity's event: so says its audit entry, in that transaction.
    const audit = await subject.env.auditEntries(organizationId);
    expect(audit.map((entry) => entry.action)).toEqual([
      'billing.entitlements.changed',
      'billing.subscription.updated',
      'billing.subscription.activated',
    ]);
    expect(audit[2]).toMatchObject({
      action: 'billing.subscription.activated',
      entityType: 'subscription',
      entityId: subscription?.id,
      actor: { type: 'system', userId: null },
      details: { causationEventId: event.id },
      outcome: 'success',
    });
  });

  it('changes nothing on a redelivered event or a second sign-up event of the same organization', async () => {
    const organizationId = randomUUID();
    const first = organizationCreated(organizationId);
    await publish(first);
    await handled(first.id);
    // Same key, so same partition: once `again` is handled, the redelivery before it was too.
    const again = organizationCreated(organizationId);
    await publish(first, again);
    await handled(again.id);

    expect(await subscriptionsOf(organizationId)).toHaveLength(1);
    expect((await outboxOf(organizationId)).map((row) => row.eventType)).toEqual([
      ENTITLEMENTS_CHANGED,
      UPDATED,
      ACTIVATED,
    ]);
  });

  it('writes neither subscription nor event for an organization that is not the transaction’s tenant', async () => {
    const billing = subject.service;
    const [tenant, organizationId] = [randomUUID(), randomUUID()];
    await expect(
      withTenant(billing.database, tenant, (tx) => provisionOrganization(tx, organizationId, new Date())),
    ).rejects.toThrow(/row-level security/);
    expect(await subscriptionsOf(organizationId)).toEqual([]);
    expect(await outboxOf(organizationId)).toEqual([]);
  });

  it('reads the current subscription through the repository, and through the subgraph only for its organization', async () => {
    const { env, service: billing } = subject;
    const [organizationId, stranger] = [randomUUID(), randomUUID()];
    const provisioned = await withTenant(billing.database, organizationId, (tx) =>
      provisionOrganization(tx, organizationId, new Date('2026-06-01T00:00:00.000Z')),
    );
    const current = (organization: string) =>
      withTenant(billing.database, organization, (tx) => subscriptionTransaction(tx).current(organization));
    await expect(current(organizationId)).resolves.toEqual(provisioned);
    await expect(current(stranger)).resolves.toBeNull();

    const selection = '... on Organization { subscription { id status plan { id name } } }';
    const representations = [{ __typename: 'Organization', id: organizationId }];
    const own = await env.entities(
      billing.graphqlUrl,
      selection,
      { organizationId, userId: randomUUID() },
      representations,
    );
    expect(own).toEqual([
      { subscription: { id: provisioned.id, status: 'active', plan: { id: 'free', name: 'Free' } } },
    ]);
    const foreign = await env.entities(
      billing.graphqlUrl,
      selection,
      { organizationId: stranger, userId: randomUUID() },
      representations,
    );
    expect(foreign).toEqual([{ subscription: null }]);
  });
  describe('the provider-side subscription', () => {
    const billing = throughBilling(subject, () => {
      const local = subject.service.localPaymentProvider;
      if (!local) throw new Error('billing runs the local payment provider in-process here');
      return local;
    });

    it('is registered once a paid subscription starts with a customer, canceled with it, and new on reactivation', async () => {
      const auth = await billing.organizationWithCard();
      const { startSubscription: started } = await billing.call<{ startSubscription: GraphSubscription }>(
        auth,
        `mutation { startSubscription(input: { planId: "basic", seats: 1 }) { ${SUBSCRIPTION_FIELDS} } }`,
      );
      const { organizationId } = auth;
      const first = await eventually('the provider-side subscription', async () => {
        const row = await billing.row(organizationId, started.id);
        return row.externalReference ?? undefined;
      });
      expect(first).toMatch(/^sub_/);
      expect(await billing.atProvider(first)).toMatchObject({
        status: 'active',
        customer: await billing.customerId(organizationId),
        metadata: { organizationId, subscriptionId: started.id, planId: 'basic' },
      });
      expect((await billing.row(organizationId, started.id)).externalProvider).toBe('local');

      // Canceled at once in billing: canceled at the provider too, the reference kept.
      await eventually('the first payment', async () =>
        (await billing.row(organizationId, started.id)).status === 'active' ? true : undefined,
      );
      await billing.call(auth, `mutation { cancelSubscription(atPeriodEnd: false) { status } }`);
      await eventually('the cancellation at the provider', async () => {
        const row = await billing.row(organizationId, started.id);
        return row.externalCanceledAt ?? undefined;
      });
      expect(await billing.atProvider(first)).toMatchObject({ status: 'canceled' });
      expect((await billing.row(organizationId, started.id)).externalReference).toBe(first);

      // Reactivated: live again, so the provider holds a new one.
      await billing.call(auth, `mutation { reactivateSubscription { status } }`);
      const second = await eventually('a new provider-side subscription', async () => {
        const row = await billing.row(organizationId, started.id);
        return row.externalReference !== first && row.externalCanceledAt === null
          ? (row.externalReference ?? undefined)
          : undefined;
      });
      expect(await billing.atProvider(second)).toMatchObject({ status: 'active' });
      expect(await billing.atProvider(first)).toMatchObject({ status: 'canceled' });
    });

    it('waits for the customer: a trial started without a card gets one once the card is set', async () => {
      const auth = newTenant();
      const { organizationId } = auth;
      await withTenant(subject.service.database, organizationId, (tx) =>
        provisionOrganization(tx, organizationId, new Date()),
      );
      const { startSubscription: started } = await billing.call<{ startSubscription: GraphSubscription }>(
        auth,
        `mutation { startSubscription(input: { planId: "pro", seats: 2, trialDays: 14 }) { ${SUBSCRIPTION_FIELDS} } }`,
      );
      expect(started.externalSubscriptionId).toBeNull();
      await billing.call(auth, `mutation { setPaymentMethod(token: "pm_card_visa") { last4 } }`);
      const reference = await eventually('the provider-side subscription', async () => {
        const row = await billing.row(organizationId, started.id);
        return row.externalReference ?? undefined;
      });
      expect(await billing.atProvider(reference)).toMatchObject({
        status: 'active',
        metadata: { subscriptionId: started.id, planId: 'pro' },
      });
    });
  });

  it('shows spec 000’s fields: currency, who started it, the provider’s id, metadata, when it was created and changed', async () => {
    const billing = throughBilling(subject, () => {
      const local = subject.service.localPaymentProvider;
      if (!local) throw new Error('billing runs the local payment provider in-process here');
      return local;
    });
    const auth = await billing.organizationWithCard();
    const { organizationId } = auth;
    const free = await withTenant(subject.service.database, organizationId, (tx) =>
      subscriptionTransaction(tx).current(organizationId),
    );
    const read = async () => {
      const [organization] = await subject.env.entities<{ subscription: GraphSubscription }>(
        subject.service.graphqlUrl,
        `... on Organization { subscription { ${SUBSCRIPTION_FIELDS} } }`,
        auth,
        [{ __typename: 'Organization', id: organizationId }],
      );
      if (!organization) throw new Error('no organization');
      return organization.subscription;
    };
    // Free from sign-up: the platform started it, and nothing is held at the provider.
    expect(await read()).toMatchObject({
      id: free?.id,
      currency: 'USD',
      createdBy: null,
      externalSubscriptionId: null,
      metadata: {},
    });

    const { startSubscription: started } = await billing.call<{ startSubscription: GraphSubscription }>(
      auth,
      `mutation { startSubscription(input: { planId: "basic", seats: 1 }) { ${SUBSCRIPTION_FIELDS} } }`,
    );
    const row = await billing.row(organizationId, started.id);
    expect(started).toMatchObject({
      status: 'pending',
      currency: 'USD',
      createdBy: { id: auth.userId },
      externalSubscriptionId: null,
      metadata: {},
      createdAt: row.createdAt.toISOString(),
    });
    const shown = await eventually('the provider’s id in the graph', async () => {
      const subscription = await read();
      return subscription.externalSubscriptionId && subscription.status === 'active'
        ? subscription
        : undefined;
    });
    const stored = await billing.row(organizationId, started.id);
    expect(shown).toMatchObject({
      id: started.id,
      externalSubscriptionId: stored.externalReference,
      createdBy: { id: auth.userId },
      createdAt: stored.createdAt.toISOString(),
      updatedAt: stored.updatedAt.toISOString(),
    });
    expect(Date.parse(shown.updatedAt)).toBeGreaterThan(Date.parse(shown.createdAt));
  });
});

describe('the provider-side subscription while the provider is unreachable', () => {
  let proxy: FlakyProxy | undefined;
  let provider: { url: string; secretKey: string } | undefined;
  const subject = serviceUnderTest('billing', async (env) => {
    const local = await startLocalPaymentProvider({ outcomeDelayMs: 20 });
    const flaky = await startFlakyProxy(local.url);
    [provider, proxy] = [local, flaky];
    const service = await startBillingService({
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
    });
    local.setWebhookUrl(`${service.url}${PAYMENT_WEBHOOK_PATH}`);
    return {
      ...service,
      async close() {
        await local.close();
        await flaky.close();
        await service.close();
      },
    };
  });
  const billing = throughBilling(subject, () => {
    if (!provider) throw new Error('the provider starts with billing');
    return provider;
  });

  it('is not lost: the sync keeps trying and registers it once the provider answers again', async () => {
    if (!proxy) throw new Error('the proxy starts with billing');
    const auth = await billing.organizationWithCard();
    const { organizationId } = auth;
    proxy.down = true;
    const { startSubscription: started } = await billing.call<{ startSubscription: GraphSubscription }>(
      auth,
      `mutation { startSubscription(input: { planId: "basic", seats: 1, trialDays: 7 }) { ${SUBSCRIPTION_FIELDS} } }`,
    );
    // A few passes with the provider down: the subscription keeps waiting for its reference.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await billing.row(organizationId, started.id)).externalReference).toBeNull();
    proxy.down = false;
    const reference = await eventually('the provider-side subscription', async () => {
      const row = await billing.row(organizationId, started.id);
      return row.externalReference ?? undefined;
    });
    expect(await billing.atProvider(reference)).toMatchObject({
      status: 'active',
      metadata: { subscriptionId: started.id },
    });
  });
});
