import { randomUUID } from 'node:crypto';
import { parse } from 'graphql';
import { Client } from 'pg';
import pino from 'pino';
import { parseEvent, type CloudEvent } from '@platform/events';
import { createKafkaMessaging, type MessageConsumer, type Messaging } from '@platform/messaging';
import {
  ACCESS_DIRECTIVES_SDL,
  createServiceMetrics,
  createSubgraphServer,
  generateInternalContextKeys,
  type RequestContext,
  type RunningSubgraph,
} from '@platform/service-kit';
import { metricValue, parseMetrics } from '@platform/service-kit/testing';
import { createGatewayTestDatabase, createTestTopics, eventually, type TestTopics } from '@platform/testing';
import {
  API_CALLS_TABLE,
  API_CALLS_TOPIC,
  apiCallsCounted,
  createApiCallTally,
  startApiUsageMeter,
  type ApiUsageMeter,
} from '../src/api-usage';
import { createGateway, type RunningGateway } from '../src/app';
import { composeSupergraph } from '../src/composition';
import { createAccessTokenIssuer, postGraphQL, tablePrincipals } from './support';

// API calls metered at the edge for billing: counted per organization in memory, stored per window
// and replica in the gateway's PostgreSQL, published once per (organization, window, replica) after the
// window closed — never one event per request — against a real database and a real broker.

const logger = pino({ level: 'silent' });
const MINUTE = 60_000;
/** A window start well inside a minute-aligned clock. */
const WINDOW = Date.parse('2026-05-14T10:00:00.000Z');

interface CountedData {
  organizationId: string;
  windowStart: string;
  windowEnd: string;
  replicaId: string;
  calls: number;
}

describe('API call metering', () => {
  let database: { url: string; drop(): Promise<void> };
  let topics: TestTopics;
  let messaging: Messaging;
  let consumer: MessageConsumer;
  const received: Array<CloudEvent<string, CountedData>> = [];
  const meters: ApiUsageMeter[] = [];

  beforeAll(async () => {
    database = await createGatewayTestDatabase();
    topics = await createTestTopics([API_CALLS_TOPIC]);
    messaging = createKafkaMessaging({ brokers: topics.brokers, clientId: 'api-usage-test' });
    consumer = messaging.consumer({ groupId: `${topics.prefix}api-usage-test`, fromBeginning: true });
    await consumer.subscribe([topics.name(API_CALLS_TOPIC)]);
    await consumer.run((message) => {
      const event = parseEvent(message.value);
      if (event.type === 'gateway.api_calls.counted.v1') {
        const data = event.data;
        if (isCounted(data)) received.push({ ...event, data });
      }
      return Promise.resolve();
    });
  });

  afterAll(async () => {
    await Promise.all(meters.map((meter) => meter.close().catch(() => undefined)));
    await consumer?.stop();
    await messaging?.close();
    await topics?.delete();
    await database?.drop();
  });

  function isCounted(data: unknown): data is CountedData {
    return typeof data === 'object' && data !== null && 'organizationId' in data && 'calls' in data;
  }

  /** A meter over the test's database and topic, on a clock the test moves. */
  async function startMeter(clock: { now: number }) {
    const tally = createApiCallTally(60, () => clock.now);
    const meter = await startApiUsageMeter({
      tally,
      producer: messaging.producer,
      topicPrefix: topics.prefix,
      logger,
      // The timer stays out of the way: the tests flush.
      usage: { databaseUrl: database.url, flushIntervalMs: 3_600_000 },
      now: () => clock.now,
    });
    meters.push(meter);
    return { tally, meter };
  }

  const eventsOf = (organizationId: string) =>
    received.filter((event) => event.data.organizationId === organizationId);

  async function rowsOf(organizationId: string) {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ calls: string; published_calls: string }>(
        `select calls::text, published_calls::text from "${API_CALLS_TABLE}" where organization_id = $1`,
        [organizationId],
      );
      return rows;
    } finally {
      await client.end();
    }
  }

  it('publishes one event per organization once its window closed, with every call of the window', async () => {
    const clock = { now: WINDOW + 10_000 };
    const { tally, meter } = await startMeter(clock);
    const [busy, quiet] = [randomUUID(), randomUUID()];
    for (let call = 0; call < 7; call += 1) tally.count(busy);
    for (let call = 0; call < 3; call += 1) tally.count(quiet);
    // Not an organization id: not metered.
    tally.count('org-3');

    // Stored while the window is open, published by nobody yet.
    await meter.flush();
    expect(await rowsOf(busy)).toEqual([{ calls: '7', published_calls: '0' }]);
    clock.now = WINDOW + 50_000;
    for (let call = 0; call < 2; call += 1) tally.count(busy);
    await meter.flush();
    expect(await rowsOf(busy)).toEqual([{ calls: '9', published_calls: '0' }]);

    clock.now = WINDOW + MINUTE + 1;
    await meter.flush();
    await eventually(
      'both organizations published',
      () => eventsOf(busy).length + eventsOf(quiet).length === 2,
    );
    const [event] = eventsOf(busy);
    expect(event).toMatchObject({
      type: 'gateway.api_calls.counted.v1',
      subject: busy,
      tenantid: busy,
      source: '/gateway',
      data: {
        organizationId: busy,
        windowStart: '2026-05-14T10:00:00.000Z',
        windowEnd: '2026-05-14T10:01:00.000Z',
        replicaId: meter.replicaId,
        calls: 9,
      },
    });
    // The id comes from the row and its total: a second publication of it is the same event.
    const row = {
      organizationId: busy,
      windowStart: WINDOW,
      windowSeconds: 60,
      replicaId: meter.replicaId,
      calls: 9,
    };
    expect(event?.id).toBe(apiCallsCounted(row, new Date()).id);
    expect(eventsOf(quiet).map((counted) => counted.data.calls)).toEqual([3]);
    expect(await rowsOf(busy)).toEqual([{ calls: '9', published_calls: '9' }]);

    // Nothing more is due: a flush publishes nothing.
    await meter.flush();
    // A late call of the closed window (counted before it closed, stored after): published again with
    // the new total, under a new id.
    clock.now = WINDOW + 59_999;
    tally.count(busy);
    clock.now = WINDOW + MINUTE + 2_000;
    await meter.flush();
    await eventually('the new total published', () => eventsOf(busy).length === 2);
    expect(eventsOf(busy).map((counted) => counted.data.calls)).toEqual([9, 10]);
    expect(new Set(eventsOf(busy).map((counted) => counted.id)).size).toBe(2);
    expect(eventsOf(quiet)).toHaveLength(1);
  });

  it('publishes what a crashed replica left once its window is long over, and leaves recent rows to their replica', async () => {
    const clock = { now: WINDOW + 20 * MINUTE };
    const { meter } = await startMeter(clock);
    const [abandoned, recent, done] = [randomUUID(), randomUUID(), randomUUID()];
    const crashed = randomUUID();
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(
        `insert into "${API_CALLS_TABLE}"
           (organization_id, window_start, window_seconds, replica_id, calls, published_calls)
         values ($1, to_timestamp($4 / 1000.0), 60, $7, 4, 0), ($2, to_timestamp($5 / 1000.0), 60, $7, 6, 0),
                ($3, to_timestamp($6 / 1000.0), 60, $7, 8, 8)`,
        [abandoned, recent, done, WINDOW, WINDOW + 18 * MINUTE, WINDOW - 2 * 24 * 60 * MINUTE, crashed],
      );
    } finally {
      await client.end();
    }
    await meter.flush();
    await eventually('the abandoned row published', () => eventsOf(abandoned).length === 1);
    expect(eventsOf(abandoned)[0]?.data).toMatchObject({ replicaId: crashed, calls: 4 });
    expect(await rowsOf(recent)).toEqual([{ calls: '6', published_calls: '0' }]);
    // Published more than a day ago: gone, and never published again.
    expect(await rowsOf(done)).toEqual([]);
    expect(eventsOf(done)).toEqual([]);
  });

  it('without a database, keeps the counts in memory and publishes late calls with the window’s whole total', async () => {
    const clock = { now: WINDOW + 40 * MINUTE + 1_000 };
    const tally = createApiCallTally(60, () => clock.now);
    const meter = await startApiUsageMeter({
      tally,
      producer: messaging.producer,
      topicPrefix: topics.prefix,
      logger,
      usage: { flushIntervalMs: 3_600_000 },
      now: () => clock.now,
    });
    meters.push(meter);
    const organizationId = randomUUID();
    for (let call = 0; call < 4; call += 1) tally.count(organizationId);
    clock.now = WINDOW + 41 * MINUTE;
    await meter.flush();
    await eventually('the window published', () => eventsOf(organizationId).length === 1);
    clock.now = WINDOW + 41 * MINUTE - 1;
    tally.count(organizationId);
    clock.now = WINDOW + 41 * MINUTE + 1_000;
    await meter.flush();
    await eventually('the new total published', () => eventsOf(organizationId).length === 2);
    expect(eventsOf(organizationId).map((event) => event.data.calls)).toEqual([4, 5]);
  });

  it('publishes its open window when it stops', async () => {
    const clock = { now: WINDOW + 30 * MINUTE + 5_000 };
    const { tally, meter } = await startMeter(clock);
    const organizationId = randomUUID();
    tally.count(organizationId);
    tally.count(organizationId);
    await meter.close();
    await eventually('the open window published', () => eventsOf(organizationId).length === 1);
    expect(eventsOf(organizationId)[0]?.data.calls).toBe(2);
  });

  it('shows the counts due and not yet published as its outbox backlog, and counts what it publishes', async () => {
    // Far after the other tests' windows: the first flush publishes whatever they left behind.
    const clock = { now: WINDOW + 120 * MINUTE + 1_000 };
    const metrics = createServiceMetrics('gateway');
    const tally = createApiCallTally(60, () => clock.now);
    const meter = await startApiUsageMeter({
      tally,
      producer: messaging.producer,
      topicPrefix: topics.prefix,
      logger,
      usage: { databaseUrl: database.url, flushIntervalMs: 3_600_000 },
      now: () => clock.now,
      metrics,
    });
    meters.push(meter);
    await meter.flush();
    const read = async () => parseMetrics(await metrics.registry.metrics());
    // A sample is reused for a second: poll until the gauges show the state the test made.
    const backlogIs = (events: number) =>
      eventually(`a backlog of ${events}`, async () => {
        const samples = await read();
        return metricValue(samples, 'outbox_backlog_events') === events && samples;
      });
    await backlogIs(0);
    const published = async () =>
      metricValue(await read(), 'outbox_published_events_total', { topic: API_CALLS_TOPIC }) ?? 0;
    const publishedBefore = await published();

    const organizationId = randomUUID();
    for (let call = 0; call < 3; call += 1) tally.count(organizationId);
    // Stored, its window still open: nothing is waiting yet.
    await meter.flush();
    expect(metricValue(await backlogIs(0), 'outbox_oldest_unpublished_age_seconds')).toBe(0);

    // The window closed 30 s ago and no flush has published it: one row waits, for 30 s.
    clock.now = WINDOW + 121 * MINUTE + 30_000;
    const waiting = await backlogIs(1);
    expect(metricValue(waiting, 'outbox_oldest_unpublished_age_seconds')).toBe(30);

    await meter.flush();
    await eventually('the window published', () => eventsOf(organizationId).length === 1);
    expect(metricValue(await backlogIs(0), 'outbox_oldest_unpublished_age_seconds')).toBe(0);
    expect(await published()).toBe(publishedBefore + 1);
  });

  describe('through the gateway', () => {
    let subgraph: RunningSubgraph;
    let gateway: RunningGateway;
    const issuer = createAccessTokenIssuer();

    beforeAll(async () => {
      const keys = await generateInternalContextKeys();
      const sdl = /* GraphQL */ `
        ${ACCESS_DIRECTIVES_SDL}
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
        type Query {
          hello: String @public
        }
      `;
      subgraph = await createSubgraphServer<RequestContext>({
        service: 'hello',
        port: 0,
        logger,
        typeDefs: parse(sdl),
        internalContextKey: keys.publicJwk,
        context: (base) => ({ ...base }),
        resolvers: { Query: { hello: () => 'world' } },
      });
      const composed = composeSupergraph([{ name: 'hello', url: 'http://127.0.0.1:1/graphql', sdl }]);
      if (!composed.ok) throw new Error(composed.errors.join('\n'));
      gateway = await createGateway({
        supergraphSdl: composed.supergraphSdl,
        subgraphUrls: { hello: subgraph.graphqlUrl },
        criticalSubgraphs: [],
        jwks: { keySet: (await issuer).jwks },
        principals: tablePrincipals({ roles: ['agent'], permissions: [] }),
        kafka: { brokers: topics.brokers, topicPrefix: topics.prefix },
        internalContextKey: JSON.stringify(keys.privateJwk),
        port: 0,
        logger,
        apiUsage: { databaseUrl: database.url, windowSeconds: 60 },
      });
    });

    let gatewayClosed = false;
    afterAll(async () => {
      if (!gatewayClosed) await gateway?.close();
      await subgraph?.close();
    });

    it('N operations of an organization become one event counting N; refused requests are not calls', async () => {
      // Far enough from the end of a window that every request lands in the same one.
      const intoWindow = Date.now() % MINUTE;
      if (intoWindow > MINUTE - 10_000)
        await new Promise((resolve) => setTimeout(resolve, MINUTE - intoWindow + 100));
      const organizationId = randomUUID();
      const token = await (await issuer).sign({ sub: randomUUID(), org: organizationId });
      const headers = { authorization: `Bearer ${token}` };
      for (let call = 0; call < 5; call += 1) {
        const result = await postGraphQL(gateway.graphqlUrl, '{ hello }', headers);
        expect(result.body.data).toEqual({ hello: 'world' });
      }
      // Not executed, so not calls: a document that does not parse, and a request without credentials.
      expect((await postGraphQL(gateway.graphqlUrl, '{ hello', headers)).status).toBe(400);
      expect((await postGraphQL(gateway.graphqlUrl, '{ hello }')).body.data).toEqual({ hello: 'world' });

      // Stopping publishes the open window (a running replica does so once it closed).
      gatewayClosed = true;
      await gateway.close();
      await eventually('the organization’s calls published', () => eventsOf(organizationId).length > 0);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(eventsOf(organizationId).map((event) => event.data.calls)).toEqual([5]);
    });
  });
});
