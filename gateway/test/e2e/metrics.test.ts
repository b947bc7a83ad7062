/**
 * `/metrics` of the gateway and of each of the five services, after real traffic through the gateway:
 * every service and the gateway expose their request, GraphQL, outbox and consumer series under their
 * own `service` label (the gateway's outbox: the API-call counts waiting to be published; its
 * consumers: the principal cache's and the realtime feed's); error codes are counted; the outbox backlog gauge shows rows the relay could not publish; a
 * poison message on a topic is counted as dead-lettered by the consumer group that parked it.
 */
import { randomUUID } from 'node:crypto';
import { metricValue, parseMetrics, postGraphQL, type MetricSample } from '@platform/service-kit/testing';
import { eventually } from '@platform/testing';
import { Client } from 'pg';
import { startTestPlatform, type ServiceName, type TestPlatform } from './platform';
import { seeds } from './seed';

const SERVICES: ServiceName[] = ['identity', 'crm', 'conversations', 'billing', 'automation'];

/** Series every HTTP server of the platform exposes. */
const SERVER_SERIES = [
  'http_requests_total counter',
  'http_request_duration_seconds histogram',
  'graphql_operations_total counter',
  'graphql_errors_total counter',
];

/** Series every domain service, and the gateway, exposes besides. */
const SERVICE_SERIES = [
  'outbox_backlog_events gauge',
  'outbox_oldest_unpublished_age_seconds gauge',
  'outbox_published_events_total counter',
  'kafka_consumer_lag gauge',
  'events_consumed_total counter',
  'events_dead_lettered_total counter',
];

describe('/metrics', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    // A short API-call window: the gateway publishes its first counts within seconds.
    platform = await startTestPlatform({ apiUsageWindowSeconds: 1 });
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  const urlOf = (target: ServiceName | 'gateway') => `${platform[target].url}/metrics`;

  async function scrape(target: ServiceName | 'gateway'): Promise<{ text: string; samples: MetricSample[] }> {
    const response = await fetch(urlOf(target));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    return { text, samples: parseMetrics(text) };
  }

  it('of every service and the gateway expose the listed series after traffic, each under its own service label', async () => {
    const { admin } = await seeds(platform).organization('Metrics');
    const contact = await admin.contact({ givenName: 'Ada' });
    expect(contact.id).toBeDefined();

    // The contact's event reaches automation's trigger consumer (an event consumed, its lag known). The
    // lag is set when kafkajs ends the batch, a moment after the handler counted the event: wait for both.
    const lagOf = (samples: MetricSample[]) =>
      samples.filter(
        (sample) => sample.name === 'kafka_consumer_lag' && sample.labels['group'] === 'automation.triggers',
      );
    const automation = await eventually(
      'automation consumed the contact event and knows its lag',
      async () => {
        const { samples } = await scrape('automation');
        const consumed = metricValue(samples, 'events_consumed_total', {
          group: 'automation.triggers',
          outcome: 'processed',
        });
        return consumed !== undefined && consumed >= 1 && lagOf(samples).length > 0 && samples;
      },
    );
    const lag = lagOf(automation);
    expect(lag.length).toBeGreaterThan(0);
    expect(lag.every((sample) => sample.value >= 0)).toBe(true);

    for (const target of [...SERVICES, 'gateway'] as const) {
      const { text, samples } = await scrape(target);
      for (const series of [...SERVER_SERIES, ...SERVICE_SERIES]) {
        expect(`${target}: ${text}`).toContain(`# TYPE ${series}`);
      }
      // Only its own series: all services run in this one process, each with its own registry.
      expect(samples.length).toBeGreaterThan(0);
      expect(samples.filter((sample) => sample.labels['service'] !== target)).toEqual([]);
    }

    // The gateway's consumers: the principal cache heard identity's events of the new organization, and
    // its API-call counts were published once their window closed.
    const gateway = await eventually(
      "the gateway consumed identity's events and published API-call counts",
      async () => {
        const { samples } = await scrape('gateway');
        const consumed = metricValue(samples, 'events_consumed_total', {
          group: 'gateway.principals',
          outcome: 'processed',
        });
        const published = metricValue(samples, 'outbox_published_events_total', {
          topic: 'gateway.api_calls',
        });
        const lag = samples.filter(
          (sample) => sample.name === 'kafka_consumer_lag' && sample.labels['group'] === 'gateway.principals',
        );
        return (
          consumed !== undefined &&
          consumed >= 1 &&
          published !== undefined &&
          published >= 1 &&
          lag.length > 0 &&
          samples
        );
      },
    );
    expect(
      gateway.filter((sample) => sample.name === 'kafka_consumer_lag').every((sample) => sample.value >= 0),
    ).toBe(true);
    expect(metricValue(gateway, 'outbox_backlog_events')).toBeGreaterThanOrEqual(0);
    expect(metricValue(gateway, 'outbox_oldest_unpublished_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(
      metricValue(gateway, 'http_requests_total', { route: '/graphql', method: 'POST', status: '200' }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      metricValue(gateway, 'graphql_operations_total', { operation_type: 'mutation' }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      metricValue(gateway, 'http_request_duration_seconds_count', { route: '/graphql', method: 'POST' }),
    ).toBeGreaterThanOrEqual(2);

    // Consumers in crm may still be writing (and their events waiting a moment): wait for a quiet outbox.
    const crm = await eventually('crm has published everything', async () => {
      const { samples } = await scrape('crm');
      return metricValue(samples, 'outbox_backlog_events') === 0 && samples;
    });
    expect(
      metricValue(crm, 'http_requests_total', { route: '/graphql', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      metricValue(crm, 'outbox_published_events_total', { topic: 'crm.contact' }),
    ).toBeGreaterThanOrEqual(1);
    expect(metricValue(crm, 'outbox_oldest_unpublished_age_seconds')).toBe(0);
  });

  it('count GraphQL errors by code, at the gateway and at the subgraph that answered them', async () => {
    const parseFailures = async () =>
      metricValue((await scrape('gateway')).samples, 'graphql_errors_total', {
        code: 'GRAPHQL_PARSE_FAILED',
      }) ?? 0;
    const before = await parseFailures();
    const broken = await platform.graphql('{ contacts(first: 1) { ');
    expect(broken.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_PARSE_FAILED');
    expect(await parseFailures()).toBe(before + 1);

    // A subgraph called without the gateway's internal context refuses before Apollo sees the request.
    const refusals = async () =>
      metricValue((await scrape('crm')).samples, 'graphql_errors_total', { code: 'UNAUTHENTICATED' }) ?? 0;
    const refusedBefore = await refusals();
    const refused = await postGraphQL(platform.crm.graphqlUrl, '{ __typename }', {});
    expect(refused.status).toBe(401);
    expect(await refusals()).toBe(refusedBefore + 1);
    expect(
      metricValue((await scrape('crm')).samples, 'http_requests_total', { route: '/graphql', status: '401' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('count a poison message as dead-lettered by the group that parked it', async () => {
    const automation = (await scrape('automation')).samples;
    const contactTopic = automation.find(
      (sample) => sample.name === 'events_consumed_total' && sample.labels['group'] === 'automation.triggers',
    )?.labels['topic'];
    if (!contactTopic) throw new Error('automation has consumed nothing yet (the first test did not run?)');
    await platform.crm.messaging.producer.send(contactTopic, [
      { key: randomUUID(), value: 'not a CloudEvent' },
    ]);
    const parked = await eventually('the poison message counted as dead-lettered', async () => {
      const samples = (await scrape('automation')).samples;
      const count = metricValue(samples, 'events_dead_lettered_total', {
        group: 'automation.triggers',
        topic: contactTopic,
        reason: 'invalid-envelope',
      });
      return count !== undefined && count >= 1 && samples;
    });
    expect(
      metricValue(parked, 'events_consumed_total', {
        group: 'automation.triggers',
        topic: contactTopic,
        outcome: 'dead_lettered',
      }),
    ).toBe(1);
  });

  it('show the outbox rows the relay cannot publish in the backlog gauges, until they are gone', async () => {
    const crmDatabase = new Client({ connectionString: platform.databases.crm.superuserUrl });
    await crmDatabase.connect();
    try {
      // A row for a topic that does not exist: the relay's sends fail, so it stays unpublished.
      const id = randomUUID();
      await crmDatabase.query(
        `INSERT INTO "outbox_events" ("id", "topic", "partition_key", "event_type", "payload", "created_at")
         VALUES ($1::uuid, 'observability.nowhere', $1::text, 'crm.contact.created.v1', '{}'::jsonb, now() - interval '90 seconds')`,
        [id],
      );
      const backlog = await eventually('the backlog gauge shows the row', async () => {
        const samples = (await scrape('crm')).samples;
        return metricValue(samples, 'outbox_backlog_events') === 1 && samples;
      });
      expect(metricValue(backlog, 'outbox_oldest_unpublished_age_seconds')).toBeGreaterThanOrEqual(90);

      await crmDatabase.query(`DELETE FROM "outbox_events" WHERE "id" = $1`, [id]);
      const drained = await eventually('the backlog gauge is back to zero', async () => {
        const samples = (await scrape('crm')).samples;
        return metricValue(samples, 'outbox_backlog_events') === 0 && samples;
      });
      expect(metricValue(drained, 'outbox_oldest_unpublished_age_seconds')).toBe(0);
    } finally {
      await crmDatabase.end();
    }
  });
});
