import { randomUUID } from 'node:crypto';
import { createEvent, toKafkaMessage, topicName, type CatalogEvent } from '@platform/events';
import { withTenant } from '@platform/service-kit';
import { serviceUnderTest } from '@platform/service-kit/testing';
import { PROVISIONING_GROUP, provisionOrganization } from '../../src/consumers/provisioning';
import { subscriptionTransaction } from '../../src/modules/subscription/infra/subscription-repository';
import { startBillingService } from '../../src/service';

// The subscription module against real PostgreSQL and Kafka: identity.organization.created.v1 comes in
// through the provisioning consumer, the subscription and its billing.subscription.activated.v1 and
// billing.entitlements.changed.v1 outbox rows commit in one transaction, and redeliveries change nothing.

const ACTIVATED = 'billing.subscription.activated.v1';
const UPDATED = 'billing.subscription.updated.v1';
const ENTITLEMENTS_CHANGED = 'billing.entitlements.changed.v1';

describe('subscription module', () => {
  const subject = serviceUnderTest('billing', (env) => startBillingService(env.startOptions()));

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
});
