import { randomUUID } from 'node:crypto';
import {
  createEvent,
  eventCatalog,
  toKafkaMessage,
  topicName,
  type CatalogEvent,
  type EventData,
  type EventType,
} from '@platform/events';
import { withTenant } from '@platform/service-kit';
import { metricValue, parseMetrics, serviceUnderTest } from '@platform/service-kit/testing';
import { eventually } from '@platform/testing';
import { z } from 'zod';
import { provisionOrganization } from '../../src/consumers/provisioning';
import { USAGE_GROUP } from '../../src/consumers/usage';
import { startBillingService } from '../../src/service';

// Usage metering against real PostgreSQL and Kafka: the events of crm, conversations, automation and
// the gateway go through the broker to billing's usage consumer; every one of them is delivered again,
// twice, and the totals stay; thresholds of the plan's limits go out through the outbox once per
// crossing; the usage is read through billing's subgraph.

const THRESHOLD = 'billing.usage.threshold_reached.v1';

describe('usage metering', () => {
  const subject = serviceUnderTest('billing', (env) => startBillingService(env.startOptions()));

  async function publish(...events: CatalogEvent[]): Promise<void> {
    const { env, service: billing } = subject;
    for (const event of events) {
      await billing.messaging.producer.send(
        topicName(eventCatalog[event.type].topic, env.kafka.topicPrefix),
        [toKafkaMessage(event)],
      );
    }
  }

  /** Waits until the usage consumer has committed its handling of every one of `events`. */
  async function metered(events: readonly CatalogEvent[]): Promise<void> {
    const ids = events.map((event) => event.id);
    await eventually(`${ids.length} events metered`, async () => {
      const rows = await subject.service.database.processedEvent.count({
        where: { consumerGroup: USAGE_GROUP, eventId: { in: ids } },
      });
      return rows === new Set(ids).size;
    });
  }

  /** How many deliveries the usage consumer recognised as already handled (its metrics). */
  async function duplicates(): Promise<number> {
    const text = await (await fetch(`${subject.service.url}/metrics`)).text();
    return (
      metricValue(parseMetrics(text), 'events_consumed_total', {
        group: USAGE_GROUP,
        outcome: 'duplicate',
      }) ?? 0
    );
  }

  /** Delivers every event again, twice, and waits until the consumer has seen each delivery. */
  async function redeliverTwice(events: readonly CatalogEvent[]): Promise<void> {
    const before = await duplicates();
    await publish(...events, ...events);
    await eventually('every redelivery seen', async () => (await duplicates()) >= before + 2 * events.length);
  }

  function event<T extends EventType>(
    type: T,
    organizationId: string,
    data: EventData<T>,
    subjectId: string,
    time: string = NOW,
  ) {
    return createEvent(type, { source: '/test', subject: subjectId, tenantId: organizationId, data, time });
  }

  const NOW = new Date().toISOString();
  const HOUR = 3_600_000;
  const period = {
    from: new Date(Date.now() - HOUR).toISOString(),
    to: new Date(Date.now() + HOUR).toISOString(),
  };

  const contactCreated = (organizationId: string, contactId = randomUUID()) =>
    event(
      'crm.contact.created.v1',
      organizationId,
      {
        contactId,
        organizationId,
        ownerId: null,
        companyId: null,
        relationshipState: 'Lead',
        tags: [],
        createdAt: NOW,
      },
      contactId,
    );
  /** Deleted a second after NOW: each change of a source comes later than the one before. */
  const contactDeleted = (
    organizationId: string,
    contactId: string,
    at = new Date(Date.parse(NOW) + 1_000),
  ) =>
    createEvent('crm.contact.deleted.v1', {
      source: '/test',
      subject: contactId,
      tenantId: organizationId,
      time: at,
      data: { contactId, organizationId, deletedById: null, deletedAt: at.toISOString() },
    });
  const contactRestored = (organizationId: string, contactId: string, at: string) =>
    createEvent('crm.contact.restored.v1', {
      source: '/test',
      subject: contactId,
      tenantId: organizationId,
      time: at,
      data: { contactId, organizationId, restoredById: null, restoredAt: at },
    });
  const fieldIdentity = (organizationId: string, definitionId: string) => ({
    definitionId,
    organizationId,
    entityType: 'contact' as const,
    key: `field_${definitionId.slice(0, 8)}`,
  });
  const fieldCreated = (organizationId: string, definitionId = randomUUID()) =>
    event(
      'crm.custom_field.created.v1',
      organizationId,
      {
        ...fieldIdentity(organizationId, definitionId),
        dataType: 'text',
        isArray: false,
        required: false,
        unique: false,
        position: 0,
        createdBy: randomUUID(),
        createdAt: NOW,
      },
      definitionId,
    );
  const fieldArchived = (organizationId: string, definitionId: string, at: string) =>
    createEvent('crm.custom_field.archived.v1', {
      source: '/test',
      subject: definitionId,
      tenantId: organizationId,
      time: at,
      data: { ...fieldIdentity(organizationId, definitionId), archivedBy: randomUUID(), archivedAt: at },
    });
  const fieldRestored = (organizationId: string, definitionId: string, at: string) =>
    createEvent('crm.custom_field.restored.v1', {
      source: '/test',
      subject: definitionId,
      tenantId: organizationId,
      time: at,
      data: { ...fieldIdentity(organizationId, definitionId), restoredBy: randomUUID(), restoredAt: at },
    });
  const stored = (organizationId: string, objectId: string, sizeBytes: number, deleted = false, at = NOW) =>
    createEvent('conversations.storage_object.changed.v1', {
      source: '/test',
      subject: objectId,
      tenantId: organizationId,
      time: at,
      data: { objectId, organizationId, kind: 'document', sizeBytes, deleted, changedAt: at },
    });
  const apiCalls = (organizationId: string, replicaId: string, calls: number) =>
    event(
      'gateway.api_calls.counted.v1',
      organizationId,
      {
        organizationId,
        windowStart: new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString(),
        windowEnd: new Date(Math.floor(Date.now() / 60_000) * 60_000 + 60_000).toISOString(),
        replicaId,
        calls,
      },
      organizationId,
    );
  const aiUsage = (
    type: 'conversations.ai_usage.recorded.v1' | 'automation.ai_usage.recorded.v1',
    organizationId: string,
    inputTokens: number,
    outputTokens: number,
  ) => {
    const aiTaskId = randomUUID();
    return event(
      type,
      organizationId,
      {
        aiTaskId,
        organizationId,
        taskKind: 'summarize',
        outcome: 'completed',
        provider: 'local',
        model: 'test-model',
        inputTokens,
        outputTokens,
        requestedById: null,
        finishedAt: NOW,
      },
      aiTaskId,
    );
  };

  /** The Free plan, through the sign-up provisioning path. */
  async function provision(organizationId: string): Promise<void> {
    await withTenant(subject.service.database, organizationId, (tx) =>
      provisionOrganization(tx, organizationId, new Date()),
    );
  }

  const USAGE = `from to metrics { metric kind quantity peak limit percentOfLimit }`;

  async function usageOf(
    organizationId: string,
    auth: { permissions?: string[]; organizationId?: string } = {},
    args = `from: "${period.from}", to: "${period.to}"`,
  ) {
    const [organization] = await subject.env.entities<{ usage: unknown }>(
      subject.service.graphqlUrl,
      `... on Organization { usage${args ? `(${args})` : ''} { ${USAGE} } }`,
      { organizationId, userId: randomUUID(), ...auth },
      [{ __typename: 'Organization', id: organizationId }],
    );
    return organization?.usage;
  }

  /** The data of a threshold event as the outbox row holds it. */
  const thresholdPayload = z.object({ data: eventCatalog[THRESHOLD].data });
  const data = (payload: unknown): EventData<typeof THRESHOLD> => thresholdPayload.parse(payload).data;

  const thresholdsOf = async (organizationId: string) =>
    (
      await subject.service.database.outboxEvent.findMany({
        where: { eventType: THRESHOLD, partitionKey: organizationId },
        orderBy: { seq: 'asc' },
      })
    ).map((row) => row.payload);

  it('meters every kind of event, and delivering every event twice more leaves the totals unchanged', async () => {
    const organizationId = randomUUID();
    await provision(organizationId);
    const [kept, duplicate, gone, back] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const [field, archivedField, returnedField] = [randomUUID(), randomUUID(), randomUUID()];
    const [document, replaced, deleted] = [randomUUID(), randomUUID(), randomUUID()];
    const later = new Date(Date.parse(NOW) + 1_000).toISOString();
    const evenLater = new Date(Date.parse(NOW) + 2_000).toISOString();
    const events: CatalogEvent[] = [
      contactCreated(organizationId, kept),
      contactCreated(organizationId, duplicate),
      contactCreated(organizationId, gone),
      contactCreated(organizationId),
      contactDeleted(organizationId, gone),
      // Deleted and restored: it counts again.
      contactCreated(organizationId, back),
      contactDeleted(organizationId, back),
      contactRestored(organizationId, back, evenLater),
      // A merge: crm publishes merged (keyed by the kept contact) and the duplicate's deletion.
      event(
        'crm.contact.merged.v1',
        organizationId,
        {
          contactId: kept,
          mergedContactId: duplicate,
          organizationId,
          changedFields: ['tags'],
          movedRecords: { tasks: 1 },
          mergedById: null,
          mergedAt: later,
        },
        kept,
        later,
      ),
      contactDeleted(organizationId, duplicate),
      fieldCreated(organizationId, field),
      fieldCreated(organizationId, archivedField),
      fieldArchived(organizationId, archivedField, later),
      fieldCreated(organizationId, returnedField),
      fieldArchived(organizationId, returnedField, later),
      fieldRestored(organizationId, returnedField, evenLater),
      stored(organizationId, document, 1_000),
      stored(organizationId, replaced, 2_000),
      stored(organizationId, replaced, 5_000, false, later),
      stored(organizationId, deleted, 4_000),
      stored(organizationId, deleted, 4_000, true, later),
      apiCalls(organizationId, randomUUID(), 17),
      apiCalls(organizationId, randomUUID(), 25),
      aiUsage('conversations.ai_usage.recorded.v1', organizationId, 1_200, 300),
      aiUsage('automation.ai_usage.recorded.v1', organizationId, 400, 100),
    ];
    await publish(...events);
    await metered(events);
    const usage = await usageOf(organizationId);
    expect(usage).toMatchObject({
      metrics: [
        // Peaks depend on the order partitions are consumed in; the test of periods pins them down.
        { metric: 'contacts', kind: 'gauge', quantity: '3', limit: '100', percentOfLimit: 3 },
        { metric: 'custom_fields', kind: 'gauge', quantity: '2', limit: '5', percentOfLimit: 40 },
        {
          metric: 'storage_bytes',
          kind: 'gauge',
          quantity: '6000',
          limit: '1073741824',
          percentOfLimit: 0,
        },
        {
          metric: 'api_calls',
          kind: 'counter',
          quantity: '42',
          peak: null,
          limit: null,
          percentOfLimit: null,
        },
        {
          metric: 'ai_tokens',
          kind: 'counter',
          quantity: '2000',
          peak: null,
          limit: null,
          percentOfLimit: null,
        },
        { metric: 'ai_tasks', kind: 'counter', quantity: '2', peak: null, limit: null, percentOfLimit: null },
      ],
    });

    await redeliverTwice(events);
    expect(await usageOf(organizationId)).toEqual(usage);
    // The same usage published again under new ids (a producer repeating itself) passes processed_events,
    // and still counts nothing: every event sets its source's amount, it does not add to it.
    const republished = events.map((original) => ({ ...original, id: randomUUID() }));
    await publish(...republished);
    await metered(republished);
    expect(await usageOf(organizationId)).toEqual(usage);
    expect(await thresholdsOf(organizationId)).toEqual([]);
  });

  it('counts a source published again under a new id once: the latest total replaces the earlier', async () => {
    const organizationId = randomUUID();
    const replica = randomUUID();
    const first = apiCalls(organizationId, replica, 10);
    // The same replica and window, stored again with more calls (a late flush): a new event id.
    const again = createEvent('gateway.api_calls.counted.v1', {
      source: '/test',
      subject: organizationId,
      tenantId: organizationId,
      time: new Date(Date.now() + 1_000),
      data: { ...first.data, calls: 14 },
    });
    await publish(first, again);
    await metered([first, again]);
    expect(await usageOf(organizationId)).toMatchObject({
      metrics: [{}, {}, {}, { metric: 'api_calls', quantity: '14' }, {}, {}],
    });
  });

  it('announces 80 % and 100 % of a plan limit exactly once through the outbox, and again only after falling below', async () => {
    const organizationId = randomUUID();
    await provision(organizationId);
    const fields = Array.from({ length: 5 }, () => fieldCreated(organizationId));
    const objects = [
      stored(organizationId, randomUUID(), 900_000_000),
      stored(organizationId, randomUUID(), 200_000_000),
    ];
    // One at a time: 80 % first, then 100 % (a change crossing both would announce 100 only).
    for (const object of objects) {
      await publish(object);
      await metered([object]);
    }
    await publish(...fields);
    await metered(fields);
    await redeliverTwice([...fields, ...objects]);

    const announced = (await thresholdsOf(organizationId)).map(data);
    expect(announced.map((entry) => [entry.metric, entry.threshold])).toEqual(
      expect.arrayContaining([
        ['custom_fields', 80],
        ['custom_fields', 100],
        ['storage_bytes', 80],
        ['storage_bytes', 100],
      ]),
    );
    expect(announced).toHaveLength(4);
    const fieldsAt80 = announced.find((entry) => entry.metric === 'custom_fields' && entry.threshold === 80);
    expect(fieldsAt80).toMatchObject({ organizationId, used: 4, limit: 5, planId: 'free' });
    expect(
      announced.find((entry) => entry.metric === 'storage_bytes' && entry.threshold === 100),
    ).toMatchObject({
      used: 1_100_000_000,
      limit: 1_073_741_824,
    });
    // Audited like every event billing publishes, caused by the consumed event.
    const audit = await subject.env.auditEntries(organizationId);
    expect(audit.filter((entry) => entry.action === 'billing.usage.threshold_reached')).toHaveLength(4);

    // 4 of 5 re-arms 100 % only; back at 5 it is announced again (and 80 % is not).
    const definitionId = fields[0]?.data.definitionId ?? '';
    const archived = fieldArchived(organizationId, definitionId, new Date(Date.now() + 1_000).toISOString());
    const restored = fieldRestored(organizationId, definitionId, new Date(Date.now() + 2_000).toISOString());
    await publish(archived, restored);
    await metered([archived, restored]);
    const after = (await thresholdsOf(organizationId)).map(data);
    expect(after.slice(4).map((entry) => [entry.metric, entry.threshold, entry.used])).toEqual([
      ['custom_fields', 100, 5],
    ]);
  });

  it('decides the thresholds again when the entitlements change: an upgrade re-arms, a downgrade announces', async () => {
    const organizationId = randomUUID();
    await provision(organizationId);
    const fields = Array.from({ length: 5 }, () => fieldCreated(organizationId));
    await publish(...fields);
    await metered(fields);
    expect(await thresholdsOf(organizationId)).toHaveLength(2);

    const entitlementsChanged = async (planId: 'free' | 'basic', version: number) => {
      // The subscription module's tables are the lead's; the plan is switched here the shortest way.
      await withTenant(subject.service.database, organizationId, (tx) =>
        tx.organizationSubscription.updateMany({ where: { organizationId }, data: { planId } }),
      );
      const changed = createEvent('billing.entitlements.changed.v1', {
        source: '/test',
        subject: organizationId,
        tenantId: organizationId,
        data: {
          organizationId,
          subscriptionId: randomUUID(),
          planId,
          status: 'active',
          version,
          entitlements: {
            contactLimit: planId === 'free' ? 100 : 1000,
            customFieldLimit: planId === 'free' ? 5 : 20,
            storageGb: planId === 'free' ? 1 : 10,
            aiInsights: 'none',
            apiAccess: 'read_only',
            interactionTracking: 'limited',
            support: 'community',
            seats: 3,
          },
          changedAt: new Date().toISOString(),
        },
      });
      await publish(changed);
      await metered([changed]);
    };

    await entitlementsChanged('basic', 2);
    expect(
      await withTenant(subject.service.database, organizationId, (tx) =>
        tx.usageAlert.count({ where: { organizationId } }),
      ),
    ).toBe(0);
    expect(await usageOf(organizationId)).toMatchObject({
      metrics: [
        {},
        { metric: 'custom_fields', quantity: '5', limit: '20', percentOfLimit: 25 },
        {},
        {},
        {},
        {},
      ],
    });
    await entitlementsChanged('free', 3);
    const announced = (await thresholdsOf(organizationId)).map(data);
    expect(
      announced.slice(2).map((entry) => [entry.metric, entry.threshold, entry.used, entry.limit]),
    ).toEqual([['custom_fields', 100, 5, 5]]);
  });

  describe('Organization.usage', () => {
    it('reads the current calendar month by default without a subscription, with every metric at zero before any event', async () => {
      const organizationId = randomUUID();
      const now = new Date();
      const usage = await usageOf(organizationId, {}, '');
      expect(usage).toEqual({
        from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString(),
        to: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString(),
        metrics: [
          { metric: 'contacts', kind: 'gauge', quantity: '0', peak: '0', limit: '100', percentOfLimit: 0 },
          { metric: 'custom_fields', kind: 'gauge', quantity: '0', peak: '0', limit: '5', percentOfLimit: 0 },
          {
            metric: 'storage_bytes',
            kind: 'gauge',
            quantity: '0',
            peak: '0',
            limit: '1073741824',
            percentOfLimit: 0,
          },
          {
            metric: 'api_calls',
            kind: 'counter',
            quantity: '0',
            peak: null,
            limit: null,
            percentOfLimit: null,
          },
          {
            metric: 'ai_tokens',
            kind: 'counter',
            quantity: '0',
            peak: null,
            limit: null,
            percentOfLimit: null,
          },
          {
            metric: 'ai_tasks',
            kind: 'counter',
            quantity: '0',
            peak: null,
            limit: null,
            percentOfLimit: null,
          },
        ],
      });
    });

    it('shows a gauge’s value at the end of the period and its peak, and a period without usage reads zero for counters', async () => {
      const organizationId = randomUUID();
      const [first, second] = [contactCreated(organizationId), contactCreated(organizationId)];
      const calls = apiCalls(organizationId, randomUUID(), 5);
      await publish(first, second, calls);
      await metered([first, second, calls]);
      const deleted = contactDeleted(organizationId, second.data.contactId);
      await publish(deleted);
      await metered([deleted]);
      expect(await usageOf(organizationId)).toMatchObject({
        metrics: [
          { metric: 'contacts', quantity: '1', peak: '2' },
          {},
          {},
          { metric: 'api_calls', quantity: '5' },
          {},
          {},
        ],
      });
      const future = `from: "${new Date(Date.now() + 3 * HOUR).toISOString()}", to: "${new Date(Date.now() + 5 * HOUR).toISOString()}"`;
      expect(await usageOf(organizationId, {}, future)).toMatchObject({
        // The value it had when the period started is its peak too: nothing changed since.
        metrics: [
          { metric: 'contacts', quantity: '1', peak: '1' },
          {},
          {},
          { metric: 'api_calls', quantity: '0' },
          {},
          {},
        ],
      });
      const past = `from: "${new Date(Date.now() - 5 * HOUR).toISOString()}", to: "${new Date(Date.now() - 3 * HOUR).toISOString()}"`;
      expect(await usageOf(organizationId, {}, past)).toMatchObject({
        metrics: [
          { metric: 'contacts', quantity: '0', peak: '0' },
          {},
          {},
          { metric: 'api_calls', quantity: '0' },
          {},
          {},
        ],
      });
    });

    it('needs billing:read (null without it, named in redactedFields) and shows only the caller’s own organization', async () => {
      const { env, service: billing } = subject;
      const organizationId = randomUUID();
      expect(await usageOf(organizationId, { permissions: [] })).toBeNull();
      expect(await usageOf(organizationId, { organizationId: randomUUID() })).toBeNull();
      const response = await fetch(billing.graphqlUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(await env.headersFor({ organizationId, userId: randomUUID(), permissions: [] })),
        },
        body: JSON.stringify({
          query: `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Organization { usage { from } } } }`,
          variables: { representations: [{ __typename: 'Organization', id: organizationId }] },
        }),
      });
      expect(await response.json()).toEqual({
        data: { _entities: [{ usage: null }] },
        extensions: { redactedFields: [{ field: 'Organization.usage', permission: 'billing:read' }] },
      });
    });

    it('refuses a period that ends before it starts, naming the argument', async () => {
      const { env, service: billing } = subject;
      const organizationId = randomUUID();
      const result = await env.graphql(
        billing.graphqlUrl,
        `query($representations: [_Any!]!) { _entities(representations: $representations) {
          ... on Organization { usage(from: "2026-05-02T00:00:00Z", to: "2026-05-01T00:00:00Z") { from } } } }`,
        { representations: [{ __typename: 'Organization', id: organizationId }] },
        await env.headersFor({ organizationId, userId: randomUUID() }),
      );
      expect(result.errors).toHaveLength(1);
      expect(result.errors?.[0]).toMatchObject({
        message: 'to must be after from',
        extensions: {
          code: 'BAD_USER_INPUT',
          details: { issues: [{ path: 'to', message: 'must be after from', code: 'out_of_range' }] },
        },
      });
    });
  });
});
