import { randomUUID } from 'node:crypto';
import { createEvent, USAGE_METRICS, type EventData } from '@platform/events/catalog';
import {
  BYTES_PER_GB,
  decideThresholds,
  GAUGES,
  hourOf,
  measurementsOf,
  thresholdReached,
  UsageMetric,
  usageLimits,
  type AnnouncedThreshold,
  type MeteredEvent,
  type MeteredEventType,
  type UsageLimits,
  type UsageThreshold,
} from '../../src/modules/usage/domain/usage';
import {
  meter,
  percentOf,
  recheckThresholds,
  summarize,
  usageOperations,
} from '../../src/modules/usage/domain/usage-operations';
import { calendarMonthOf, usagePeriod } from '../../src/modules/usage/domain/usage-period';
import type {
  MetricTotals,
  SourceAmount,
  UsageLedger,
  UsageRepository,
} from '../../src/modules/usage/domain/usage-repository';
import { ENTERPRISE, FREE } from './fixtures';

// The metering rules, thresholds and periods, without I/O: the ledger here keeps its rows in memory.

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const AT = '2026-05-14T10:20:00.000Z';
const LATER = '2026-05-14T11:05:00.000Z';

function event<T extends MeteredEventType>(
  type: T,
  data: EventData<T>,
  time: string = AT,
  subject: string = randomUUID(),
) {
  return createEvent(type, { source: '/test', subject, tenantId: ORGANIZATION, time, data });
}

const contactCreated = (contactId: string, time = AT) =>
  event(
    'crm.contact.created.v1',
    {
      contactId,
      organizationId: ORGANIZATION,
      ownerId: null,
      companyId: null,
      relationshipState: 'Lead',
      tags: [],
      createdAt: time,
    },
    time,
  );
const contactDeleted = (contactId: string, time = AT) =>
  event(
    'crm.contact.deleted.v1',
    { contactId, organizationId: ORGANIZATION, deletedById: null, deletedAt: time },
    time,
  );
const customField = (
  type: 'crm.custom_field.created.v1' | 'crm.custom_field.archived.v1' | 'crm.custom_field.restored.v1',
  definitionId: string,
  time = AT,
) => {
  const identity = {
    definitionId,
    organizationId: ORGANIZATION,
    entityType: 'contact' as const,
    key: 'tier',
  };
  const by = randomUUID();
  switch (type) {
    case 'crm.custom_field.created.v1':
      return event(
        type,
        {
          ...identity,
          dataType: 'text',
          isArray: false,
          required: false,
          unique: false,
          position: 0,
          createdBy: by,
          createdAt: time,
        },
        time,
      );
    case 'crm.custom_field.archived.v1':
      return event(type, { ...identity, archivedBy: by, archivedAt: time }, time);
    case 'crm.custom_field.restored.v1':
      return event(type, { ...identity, restoredBy: by, restoredAt: time }, time);
  }
};
const stored = (objectId: string, sizeBytes: number, deleted = false, time = AT) =>
  event(
    'conversations.storage_object.changed.v1',
    { objectId, organizationId: ORGANIZATION, kind: 'attachment', sizeBytes, deleted, changedAt: time },
    time,
  );
const apiCalls = (replicaId: string, windowStart: string, calls: number, time = LATER) =>
  event(
    'gateway.api_calls.counted.v1',
    {
      organizationId: ORGANIZATION,
      windowStart,
      windowEnd: new Date(new Date(windowStart).getTime() + 60_000).toISOString(),
      replicaId,
      calls,
    },
    time,
  );
const aiUsage = (
  type: 'conversations.ai_usage.recorded.v1' | 'automation.ai_usage.recorded.v1',
  aiTaskId: string,
  inputTokens: number,
  outputTokens: number,
  time = AT,
) =>
  event(
    type,
    {
      aiTaskId,
      organizationId: ORGANIZATION,
      taskKind: 'reply',
      outcome: 'completed',
      provider: 'local',
      model: 'test-model',
      inputTokens,
      outputTokens,
      requestedById: null,
      finishedAt: time,
    },
    time,
  );

describe('UsageMetric', () => {
  it('is the event catalog’s list; contacts, custom fields and storage are gauges', () => {
    expect(Object.values(UsageMetric)).toEqual([...USAGE_METRICS]);
    expect(GAUGES).toEqual(['contacts', 'custom_fields', 'storage_bytes']);
  });
});

describe('measurementsOf: the metering rules', () => {
  const at = new Date(AT);

  it('a contact counts 1 from its creation or restoration, 0 from its deletion; a merge removes the duplicate', () => {
    const contactId = randomUUID();
    const duplicate = randomUUID();
    expect(measurementsOf(contactCreated(contactId))).toEqual([
      { metric: 'contacts', source: contactId, amount: 1n, usedAt: at, measuredAt: at },
    ]);
    expect(measurementsOf(contactDeleted(contactId))).toEqual([
      { metric: 'contacts', source: contactId, amount: 0n, usedAt: at, measuredAt: at },
    ]);
    const restored = event('crm.contact.restored.v1', {
      contactId,
      organizationId: ORGANIZATION,
      restoredById: null,
      restoredAt: AT,
    });
    expect(measurementsOf(restored)).toEqual([
      { metric: 'contacts', source: contactId, amount: 1n, usedAt: at, measuredAt: at },
    ]);
    const merged = event('crm.contact.merged.v1', {
      contactId,
      mergedContactId: duplicate,
      organizationId: ORGANIZATION,
      changedFields: [],
      movedRecords: {},
      mergedById: null,
      mergedAt: AT,
    });
    expect(measurementsOf(merged)).toEqual([
      { metric: 'contacts', source: duplicate, amount: 0n, usedAt: at, measuredAt: at },
    ]);
  });

  it('a custom field counts 1 while it is live, 0 while archived', () => {
    const id = randomUUID();
    expect(measurementsOf(customField('crm.custom_field.created.v1', id))[0]).toMatchObject({
      metric: 'custom_fields',
      source: id,
      amount: 1n,
    });
    expect(measurementsOf(customField('crm.custom_field.archived.v1', id))[0]).toMatchObject({ amount: 0n });
    expect(measurementsOf(customField('crm.custom_field.restored.v1', id))[0]).toMatchObject({ amount: 1n });
  });

  it('a stored object counts its bytes, 0 once deleted whatever size the event carries', () => {
    const id = randomUUID();
    expect(measurementsOf(stored(id, 1234))).toEqual([
      { metric: 'storage_bytes', source: id, amount: 1234n, usedAt: at, measuredAt: at },
    ]);
    expect(measurementsOf(stored(id, 1234, true))[0]).toMatchObject({ amount: 0n });
  });

  it("API calls count in their window's hour, one source per replica and window", () => {
    const replica = randomUUID();
    expect(measurementsOf(apiCalls(replica, '2026-05-14T09:59:00.000Z', 42))).toEqual([
      {
        metric: 'api_calls',
        source: `${replica}@2026-05-14T09:59:00.000Z`,
        amount: 42n,
        usedAt: new Date('2026-05-14T09:59:00.000Z'),
        measuredAt: new Date(LATER),
      },
    ]);
  });

  it('an AI task counts its input and output tokens and one task, named by its producer', () => {
    const task = randomUUID();
    expect(measurementsOf(aiUsage('conversations.ai_usage.recorded.v1', task, 700, 300))).toEqual([
      { metric: 'ai_tokens', source: `conversations:${task}`, amount: 1000n, usedAt: at, measuredAt: at },
      { metric: 'ai_tasks', source: `conversations:${task}`, amount: 1n, usedAt: at, measuredAt: at },
    ]);
    expect(measurementsOf(aiUsage('automation.ai_usage.recorded.v1', task, 1, 2))[0]).toMatchObject({
      source: `automation:${task}`,
      amount: 3n,
    });
  });
});

describe('usageLimits', () => {
  it("takes the plan's contact and custom field limits, and its storage in GB of 2^30 bytes", () => {
    expect(usageLimits(FREE)).toEqual({
      planId: 'free',
      limits: {
        contacts: 100n,
        custom_fields: 5n,
        storage_bytes: 1_073_741_824n,
        api_calls: null,
        ai_tokens: null,
        ai_tasks: null,
      },
    });
    expect(BYTES_PER_GB).toBe(1_073_741_824n);
    expect(Object.values(usageLimits(ENTERPRISE).limits).every((limit) => limit === null)).toBe(true);
  });
});

describe('decideThresholds: once per crossing', () => {
  const announced = (...entries: Array<[UsageThreshold, bigint]>): AnnouncedThreshold[] =>
    entries.map(([threshold, limit]) => ({ threshold, limit }));

  it('announces 80 % when reached, and nothing more while usage stays between 80 and 100 %', () => {
    expect(decideThresholds(79n, 100n, [])).toEqual({ reached: [], announce: null, rearmed: [] });
    expect(decideThresholds(80n, 100n, [])).toEqual({ reached: [80], announce: 80, rearmed: [] });
    expect(decideThresholds(99n, 100n, announced([80, 100n]))).toEqual({
      reached: [],
      announce: null,
      rearmed: [],
    });
  });

  it('announces 100 % when reached; a change crossing both announces 100 and stores both', () => {
    expect(decideThresholds(100n, 100n, announced([80, 100n]))).toEqual({
      reached: [100],
      announce: 100,
      rearmed: [],
    });
    expect(decideThresholds(4n, 4n, [])).toEqual({ reached: [80, 100], announce: 100, rearmed: [] });
  });

  it('re-arms what usage fell below', () => {
    expect(decideThresholds(90n, 100n, announced([80, 100n], [100, 100n]))).toEqual({
      reached: [],
      announce: null,
      rearmed: [100],
    });
    expect(decideThresholds(10n, 100n, announced([80, 100n], [100, 100n]))).toEqual({
      reached: [],
      announce: null,
      rearmed: [80, 100],
    });
  });

  it('re-arms at a new limit: announced again when usage is still over it, re-armed when not', () => {
    expect(decideThresholds(900n, 1000n, announced([80, 100n], [100, 100n]))).toEqual({
      reached: [80],
      announce: 80,
      rearmed: [100],
    });
    expect(decideThresholds(90n, null, announced([80, 100n]))).toEqual({
      reached: [],
      announce: null,
      rearmed: [80],
    });
  });

  it('nothing used reaches nothing, even against a limit of 0', () => {
    expect(decideThresholds(0n, 0n, [])).toEqual({ reached: [], announce: null, rearmed: [] });
    expect(decideThresholds(1n, 0n, [])).toEqual({ reached: [80, 100], announce: 100, rearmed: [] });
  });

  it('the event carries the metric, the threshold, usage and limit as numbers, keyed by the organization', () => {
    const reached = thresholdReached({
      organizationId: ORGANIZATION,
      metric: 'storage_bytes',
      threshold: 80,
      used: 858_993_460n,
      limit: BYTES_PER_GB,
      planId: 'free',
      at: new Date(AT),
    });
    expect(reached).toMatchObject({
      type: 'billing.usage.threshold_reached.v1',
      subject: ORGANIZATION,
      tenantid: ORGANIZATION,
      time: AT,
      data: {
        organizationId: ORGANIZATION,
        metric: 'storage_bytes',
        threshold: 80,
        used: 858_993_460,
        limit: 1_073_741_824,
        planId: 'free',
        reachedAt: AT,
      },
    });
  });
});

/** The ledger port over plain maps, with the same rules as the SQL one. */
function memoryLedger(limits: UsageLimits = usageLimits(FREE)) {
  const sources = new Map<string, SourceAmount>();
  const hours = new Map<string, { quantity: bigint; peak: bigint | null }>();
  const gauges = new Map<string, { value: bigint; hour: Date }>();
  const alerts = new Map<string, Map<UsageThreshold, bigint>>();
  const alertsOf = (metric: string) => {
    const found = alerts.get(metric) ?? new Map<UsageThreshold, bigint>();
    alerts.set(metric, found);
    return found;
  };
  const ledger: UsageLedger & { limitsNow: UsageLimits } = {
    limitsNow: limits,
    source: (metric, source) =>
      Promise.resolve(sources.get(`${metric}/${source}`) ?? { amount: 0n, measuredAt: new Date(0) }),
    setSource: (metric, source, amount) => {
      sources.set(`${metric}/${source}`, amount);
      return Promise.resolve();
    },
    count: (metric, hour, delta) => {
      const key = `${metric}/${hour.toISOString()}`;
      hours.set(key, { quantity: (hours.get(key)?.quantity ?? 0n) + delta, peak: null });
      return Promise.resolve();
    },
    moveGauge: (metric, delta, at) => {
      const before = gauges.get(metric);
      const hour = before && before.hour > at ? before.hour : at;
      const value = (before?.value ?? 0n) + delta;
      gauges.set(metric, { value, hour });
      const key = `${metric}/${hour.toISOString()}`;
      const record = hours.get(key);
      const start = value - delta;
      const peak = record ? (record.peak ?? value) : start > value ? start : value;
      hours.set(key, { quantity: value, peak: peak > value ? peak : value });
      return Promise.resolve(value);
    },
    gauges: () =>
      Promise.resolve({
        contacts: gauges.get('contacts')?.value ?? 0n,
        custom_fields: gauges.get('custom_fields')?.value ?? 0n,
        storage_bytes: gauges.get('storage_bytes')?.value ?? 0n,
        api_calls: 0n,
        ai_tokens: 0n,
        ai_tasks: 0n,
      }),
    announced: (metric) =>
      Promise.resolve([...alertsOf(metric)].map(([threshold, limit]) => ({ threshold, limit }))),
    announce: (metric, thresholds, limit) => {
      for (const threshold of thresholds) alertsOf(metric).set(threshold, limit);
      return Promise.resolve();
    },
    rearm: (metric, thresholds) => {
      for (const threshold of thresholds) alertsOf(metric).delete(threshold);
      return Promise.resolve();
    },
    limits: () => Promise.resolve(ledger.limitsNow),
  };
  return {
    ledger,
    gauge: (metric: string) => gauges.get(metric)?.value ?? 0n,
    counted: (metric: string) =>
      [...hours]
        .filter(([key]) => key.startsWith(`${metric}/`))
        .reduce((sum, [, row]) => sum + row.quantity, 0n),
    hour: (metric: string, at: string) => hours.get(`${metric}/${at}`),
  };
}

describe('meter', () => {
  const apply = async (store: ReturnType<typeof memoryLedger>, ...events: MeteredEvent[]) => {
    const published = [];
    for (const metered of events) {
      published.push(...(await meter(store.ledger, ORGANIZATION, measurementsOf(metered))));
    }
    return published;
  };

  it('applying every event twice leaves every total as applying it once', async () => {
    const contacts = [randomUUID(), randomUUID(), randomUUID()];
    const field = randomUUID();
    const object = randomUUID();
    const replica = randomUUID();
    const task = randomUUID();
    const events = [
      ...contacts.map((id) => contactCreated(id)),
      contactDeleted(contacts[0] ?? '', LATER),
      customField('crm.custom_field.created.v1', field),
      stored(object, 5_000),
      stored(object, 7_000, false, LATER),
      apiCalls(replica, '2026-05-14T10:00:00.000Z', 12),
      aiUsage('conversations.ai_usage.recorded.v1', task, 100, 50),
    ];
    const once = memoryLedger();
    await apply(once, ...events);
    const twice = memoryLedger();
    await apply(twice, ...events, ...events);
    for (const store of [once, twice]) {
      expect(store.gauge('contacts')).toBe(2n);
      expect(store.gauge('custom_fields')).toBe(1n);
      expect(store.gauge('storage_bytes')).toBe(7_000n);
      expect(store.counted('api_calls')).toBe(12n);
      expect(store.counted('ai_tokens')).toBe(150n);
      expect(store.counted('ai_tasks')).toBe(1n);
    }
  });

  it('counts the difference when a source is published again with a new total (new event id)', async () => {
    const store = memoryLedger();
    const replica = randomUUID();
    const task = randomUUID();
    await apply(
      store,
      apiCalls(replica, '2026-05-14T10:00:00.000Z', 12),
      apiCalls(replica, '2026-05-14T10:00:00.000Z', 15, '2026-05-14T11:06:00.000Z'),
      aiUsage('automation.ai_usage.recorded.v1', task, 100, 50),
      aiUsage('automation.ai_usage.recorded.v1', task, 300, 50, LATER),
    );
    expect(store.counted('api_calls')).toBe(15n);
    expect(store.counted('ai_tokens')).toBe(350n);
    expect(store.counted('ai_tasks')).toBe(1n);
  });

  it('ignores a measurement older than the one its source has (a late duplicate cannot undo a restore)', async () => {
    const store = memoryLedger();
    const contact = randomUUID();
    await apply(store, contactCreated(contact), contactDeleted(contact, LATER));
    await apply(store, contactCreated(contact));
    expect(store.gauge('contacts')).toBe(0n);
  });

  it('never goes below zero: deleting a contact it never saw changes nothing', async () => {
    const store = memoryLedger();
    await apply(store, contactDeleted(randomUUID()));
    expect(store.gauge('contacts')).toBe(0n);
  });

  it("keeps a gauge hour's peak, including the value it started from", async () => {
    const store = memoryLedger();
    const [a, b] = [randomUUID(), randomUUID()];
    await apply(store, contactCreated(a), contactCreated(b));
    await apply(store, contactDeleted(a, LATER));
    expect(store.hour('contacts', '2026-05-14T10:00:00.000Z')).toEqual({ quantity: 2n, peak: 2n });
    expect(store.hour('contacts', '2026-05-14T11:00:00.000Z')).toEqual({ quantity: 1n, peak: 2n });
  });

  it('announces 80 % and 100 % of the custom field limit once each, redeliveries included, and again after falling below', async () => {
    const store = memoryLedger();
    const fields = Array.from({ length: 5 }, () => randomUUID());
    const created = fields.map((id) => customField('crm.custom_field.created.v1', id));
    const published = await apply(store, ...created, ...created);
    expect(
      published.map((reached) => [reached.data.metric, reached.data.threshold, reached.data.used]),
    ).toEqual([
      ['custom_fields', 80, 4],
      ['custom_fields', 100, 5],
    ]);
    // Below 100 % re-arms 100 only; back at 100 % it is announced again.
    expect(await apply(store, customField('crm.custom_field.archived.v1', fields[0] ?? '', LATER))).toEqual(
      [],
    );
    const again = await apply(
      store,
      customField('crm.custom_field.restored.v1', fields[0] ?? '', '2026-05-14T12:00:00.000Z'),
    );
    expect(again.map((reached) => reached.data.threshold)).toEqual([100]);
  });

  it('announces for storage against its quota and nothing for metrics without a limit', async () => {
    const store = memoryLedger();
    const published = await apply(
      store,
      stored(randomUUID(), 900_000_000),
      apiCalls(randomUUID(), '2026-05-14T10:00:00.000Z', 1_000_000),
      aiUsage('conversations.ai_usage.recorded.v1', randomUUID(), 10_000_000, 1),
    );
    expect(published.map((reached) => [reached.data.metric, reached.data.threshold])).toEqual([
      ['storage_bytes', 80],
    ]);
  });

  it('rechecks every gauge against new limits: an upgrade re-arms, a downgrade announces at once', async () => {
    const store = memoryLedger();
    const fields = Array.from({ length: 4 }, () => randomUUID());
    await apply(store, ...fields.map((id) => customField('crm.custom_field.created.v1', id)));
    store.ledger.limitsNow = usageLimits(ENTERPRISE);
    expect(await recheckThresholds(store.ledger, ORGANIZATION, new Date(LATER))).toEqual([]);
    expect(await store.ledger.announced('custom_fields')).toEqual([]);
    store.ledger.limitsNow = { planId: 'free', limits: { ...usageLimits(FREE).limits, custom_fields: 4n } };
    const published = await recheckThresholds(store.ledger, ORGANIZATION, new Date(LATER));
    expect(
      published.map((reached) => [reached.data.metric, reached.data.threshold, reached.data.limit]),
    ).toEqual([['custom_fields', 100, 4]]);
    expect(await recheckThresholds(store.ledger, ORGANIZATION, new Date(LATER))).toEqual([]);
  });
});

describe('usagePeriod', () => {
  const now = new Date('2026-05-14T10:20:00.000Z');

  it('defaults to the current calendar month in UTC', () => {
    expect(usagePeriod({}, now)).toEqual({
      from: new Date('2026-05-01T00:00:00.000Z'),
      to: new Date('2026-06-01T00:00:00.000Z'),
    });
    expect(calendarMonthOf(new Date('2026-12-31T23:59:59.999Z'))).toEqual({
      from: new Date('2026-12-01T00:00:00.000Z'),
      to: new Date('2027-01-01T00:00:00.000Z'),
    });
  });

  it('covers every hour a period touches', () => {
    expect(
      usagePeriod(
        { from: new Date('2026-05-02T08:30:00.000Z'), to: new Date('2026-05-02T10:00:00.001Z') },
        now,
      ),
    ).toEqual({ from: new Date('2026-05-02T08:00:00.000Z'), to: new Date('2026-05-02T11:00:00.000Z') });
    expect(hourOf(new Date('2026-05-02T08:59:59.999Z'))).toEqual(new Date('2026-05-02T08:00:00.000Z'));
  });

  /** The error `run` throws (fails when it throws none). */
  const thrown = (run: () => unknown): unknown => {
    try {
      run();
    } catch (error) {
      return error;
    }
    throw new Error('expected an error');
  };

  it('refuses a period that ends before it starts or lasts more than 400 days', () => {
    expect(thrown(() => usagePeriod({ from: now, to: now }, now))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'to must be after from',
    });
    expect(thrown(() => usagePeriod({ from: new Date('2025-01-01T00:00:00.000Z') }, now))).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: {
        issues: [{ path: 'to', message: 'must be at most 400 days after from', code: 'out_of_range' }],
      },
    });
    // A period that ends before it starts is refused even inside one hour.
    expect(
      thrown(() =>
        usagePeriod(
          { from: new Date('2026-05-02T08:40:00.000Z'), to: new Date('2026-05-02T08:10:00.000Z') },
          now,
        ),
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('summarize and the usage read', () => {
  const totals: MetricTotals[] = [
    { metric: 'contacts', used: 0n, closing: 85n, peak: 90n },
    { metric: 'api_calls', used: 1234n, closing: 0n, peak: 0n },
  ];

  it('gives every metric: gauges their closing value and peak, counters their sum, with limit and percent', () => {
    const usage = summarize(ORGANIZATION, calendarMonthOf(new Date(AT)), totals, usageLimits(FREE));
    expect(usage.metrics).toEqual([
      { metric: 'contacts', kind: 'gauge', quantity: 85n, peak: 90n, limit: 100n, percentOfLimit: 85 },
      { metric: 'custom_fields', kind: 'gauge', quantity: 0n, peak: 0n, limit: 5n, percentOfLimit: 0 },
      {
        metric: 'storage_bytes',
        kind: 'gauge',
        quantity: 0n,
        peak: 0n,
        limit: 1_073_741_824n,
        percentOfLimit: 0,
      },
      {
        metric: 'api_calls',
        kind: 'counter',
        quantity: 1234n,
        peak: null,
        limit: null,
        percentOfLimit: null,
      },
      { metric: 'ai_tokens', kind: 'counter', quantity: 0n, peak: null, limit: null, percentOfLimit: null },
      { metric: 'ai_tasks', kind: 'counter', quantity: 0n, peak: null, limit: null, percentOfLimit: null },
    ]);
  });

  it('rounds the percentage down to one decimal', () => {
    expect(percentOf(2n, 3n)).toBe(66.6);
    expect(percentOf(150n, 100n)).toBe(150);
    expect(percentOf(1n, null)).toBeNull();
  });

  it('shows an organization its own usage only, reading nothing for another', async () => {
    const reads: string[] = [];
    const repository: UsageRepository = {
      totals: (organizationId) => {
        reads.push(organizationId);
        return Promise.resolve(totals);
      },
      limits: () => Promise.resolve(usageLimits(FREE)),
      billingPeriod: () => Promise.resolve(null),
    };
    const usage = usageOperations(repository, () => new Date(AT));
    expect(await usage.of({ organizationId: randomUUID(), userId: null }, ORGANIZATION, {})).toBeNull();
    expect(reads).toEqual([]);
    const own = await usage.of({ organizationId: ORGANIZATION, userId: null }, ORGANIZATION, {});
    expect(own).toMatchObject({
      organizationId: ORGANIZATION,
      from: new Date('2026-05-01T00:00:00.000Z'),
      to: new Date('2026-06-01T00:00:00.000Z'),
    });
    expect(reads).toEqual([ORGANIZATION]);
  });

  it('reads the subscription’s billing period by default when there is one, any bound given overriding it', async () => {
    const billing = { from: new Date('2026-05-14T09:30:00.000Z'), to: new Date('2026-06-14T09:30:00.000Z') };
    const repository: UsageRepository = {
      totals: () => Promise.resolve(totals),
      limits: () => Promise.resolve(usageLimits(FREE)),
      billingPeriod: () => Promise.resolve(billing),
    };
    const usage = usageOperations(repository, () => new Date(AT));
    const actor = { organizationId: ORGANIZATION, userId: null };
    expect(await usage.of(actor, ORGANIZATION, {})).toMatchObject({
      from: new Date('2026-05-14T09:00:00.000Z'),
      to: new Date('2026-06-14T10:00:00.000Z'),
    });
    const from = new Date('2026-05-20T00:00:00.000Z');
    expect(await usage.of(actor, ORGANIZATION, { from })).toMatchObject({
      from,
      to: new Date('2026-06-14T10:00:00.000Z'),
    });
  });
});
