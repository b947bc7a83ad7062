/**
 * Test support for services (import from '@platform/service-kit/testing', never from production code):
 * a migrated database of the service's own, the event topics under a prefix of the test file's own,
 * and internal-context keys to call a subgraph directly on behalf of whichever caller a test needs.
 */
import { ensureEventTopics } from '@platform/events';
import { createKafkaMessaging } from '@platform/messaging';
import { createTestDatabase, createTestTopics, type TestDatabase } from '@platform/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import pino from 'pino';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { AuditData } from './audit';
import { installTelemetry } from './telemetry';
import type { ServiceStartOptions } from './service-runtime';
import type { ServiceName } from '@platform/infra';
import { SYSTEM_ROLE_PERMISSIONS } from '@platform/domain';
import {
  anonymousContext,
  generateInternalContextKeys,
  importInternalContextPrivateKey,
  INTERNAL_CONTEXT_HEADER,
  signInternalContext,
  type InternalContext,
  type JWK,
} from './internal-context';

export type { ReadableSpan };

export interface ServiceTestEnvironment {
  database: TestDatabase;
  kafka: { brokers: string[]; topicPrefix: string };
  /** The gateway's key pair for this test: services get the public half. */
  internalContextKeys: { privateJwk: JWK; publicJwk: JWK };
  /** Headers of a direct subgraph call made on behalf of `auth` (as the gateway would sign it). */
  headersFor(auth: Partial<InternalContext>): Promise<Record<string, string>>;
  /** POSTs a GraphQL operation to a subgraph or gateway URL. */
  graphql<T = Record<string, unknown>>(
    url: string,
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ status: number; data?: T | null; errors?: GraphQLTestError[] }>;
  /**
   * Calls `_entities` on a subgraph as `auth` (the federation contract the gateway relies on) and
   * returns one entity or null per representation; fails on any GraphQL error.
   */
  entities<T = Record<string, unknown>>(
    graphqlUrl: string,
    selection: string,
    auth: Partial<InternalContext>,
    representations: ReadonlyArray<{ __typename: string; id: string }>,
  ): Promise<Array<T | null>>;
  /**
   * Start options for the service under test: its database (application role), topics and keys, a
   * silent logger, a free port, and every SQL statement counted for `countStatements`.
   */
  startOptions(): ServiceStartOptions;
  /**
   * The domain events in the service's outbox, oldest first (event type and Kafka key = subject);
   * audit entries are left out (`auditEntries`).
   */
  outboxEvents(): Promise<Array<{ type: string; subject: string }>>;
  /** The audit entries in the service's outbox for one organization, oldest first. */
  auditEntries(organizationId: string): Promise<AuditData[]>;
  /** Runs `work` and counts the SQL statements the service sent meanwhile (run nothing else then). */
  countStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }>;
  cleanup(): Promise<void>;
}

/**
 * The internal context of a test caller: anonymous unless `auth` names an organization; a caller of an
 * organization defaults to the owner's roles and permissions (every permission), in an active
 * organization. Tests of authorization pass `roles`/`permissions` of their own.
 */
export function callerContext(auth: Partial<InternalContext>): InternalContext {
  const member = auth.organizationId !== undefined && auth.organizationId !== null;
  return {
    ...anonymousContext(),
    ...(member
      ? {
          roles: ['owner'],
          permissions: [...SYSTEM_ROLE_PERMISSIONS.owner],
          organizationStatus: 'active' as const,
        }
      : {}),
    ...auth,
  };
}

/** A caller of a fresh organization of its own: every test makes its own tenant. */
export interface TestTenant {
  organizationId: string;
  userId: string;
}

export function newTenant(): TestTenant {
  return { organizationId: randomUUID(), userId: randomUUID() };
}

export interface GraphQLTestError {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}

/** Creates the topics of the event catalog (and their DLQs) under a fresh per-file prefix. */
export async function createEventTopics(): Promise<{
  brokers: string[];
  prefix: string;
  delete(): Promise<void>;
}> {
  const topics = await createTestTopics([]);
  const messaging = createKafkaMessaging({ brokers: topics.brokers, clientId: 'test-event-topics' });
  try {
    await ensureEventTopics(messaging.admin, { prefix: topics.prefix, partitions: 3 });
  } finally {
    await messaging.close();
  }
  return {
    brokers: topics.brokers,
    prefix: topics.prefix,
    async delete() {
      const admin = createKafkaMessaging({ brokers: topics.brokers, clientId: 'test-event-topics' });
      try {
        const names = (await admin.admin.listTopics()).filter((name) => name.startsWith(topics.prefix));
        if (names.length > 0) await admin.admin.deleteTopics(names);
      } finally {
        await admin.close();
      }
    },
  };
}

export async function postGraphQL<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; data?: T | null; errors?: GraphQLTestError[] }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T | null; errors?: GraphQLTestError[] };
  return { status: response.status, ...body };
}

/** Everything a service needs to run in a test, isolated from every other test file. */
export async function createServiceTestEnvironment(service: ServiceName): Promise<ServiceTestEnvironment> {
  const [database, topics, internalContextKeys] = await Promise.all([
    createTestDatabase(service),
    createEventTopics(),
    generateInternalContextKeys(),
  ]);
  const privateKey = await importInternalContextPrivateKey(internalContextKeys.privateJwk);
  let statements = 0;
  const kafka = { brokers: topics.brokers, topicPrefix: topics.prefix };
  const headersFor = async (auth: Partial<InternalContext>): Promise<Record<string, string>> => {
    const token = await signInternalContext(privateKey, callerContext(auth), { requestId: randomUUID() });
    return { [INTERNAL_CONTEXT_HEADER]: token };
  };
  const settled = () => settleStatements([database], () => statements);
  return {
    database,
    kafka,
    internalContextKeys,
    startOptions: () => ({
      databaseUrl: database.appUrl,
      port: 0,
      logger: pino({ level: 'silent' }),
      internalContextKey: internalContextKeys.publicJwk,
      kafka,
      onQuery: () => {
        statements += 1;
      },
    }),
    async outboxEvents() {
      const client = new Client({ connectionString: database.ownerUrl });
      await client.connect();
      try {
        const result = await client.query<{ type: string; subject: string }>(
          `SELECT event_type AS type, partition_key AS subject FROM outbox_events
            WHERE event_type NOT LIKE '%.audit.recorded.v1' ORDER BY seq`,
        );
        return result.rows;
      } finally {
        await client.end();
      }
    },
    async auditEntries(organizationId) {
      const client = new Client({ connectionString: database.ownerUrl });
      await client.connect();
      try {
        const result = await client.query<{ data: AuditData }>(
          `SELECT payload->'data' AS data FROM outbox_events
            WHERE event_type LIKE '%.audit.recorded.v1' AND partition_key = $1 ORDER BY seq`,
          [organizationId],
        );
        return result.rows.map((row) => row.data);
      } finally {
        await client.end();
      }
    },
    async countStatements(work) {
      // The service's own consumers may still be at work on earlier writes (identity stores its audit
      // entries): count from a quiet moment to the next, so only `work` and what it caused is in it.
      await settled();
      const before = statements;
      const result = await work();
      await settled();
      return { result, statements: statements - before };
    },
    headersFor,
    graphql: postGraphQL,
    async entities<T>(
      graphqlUrl: string,
      selection: string,
      auth: Partial<InternalContext>,
      representations: ReadonlyArray<{ __typename: string; id: string }>,
    ) {
      const result = await postGraphQL<{ _entities: Array<T | null> }>(
        graphqlUrl,
        `query($representations: [_Any!]!) { _entities(representations: $representations) { ${selection} } }`,
        { representations },
        await headersFor(auth),
      );
      if (result.errors?.length) throw new Error(`_entities failed: ${JSON.stringify(result.errors)}`);
      return result.data?._entities ?? [];
    },
    async cleanup() {
      await topics.delete();
      await database.drop();
    },
  };
}

/** What `serviceUnderTest` returns: the environment and the running service of a describe block. */
export interface ServiceUnderTest<TService> {
  /** The service's test environment; throws outside the describe block's tests and later hooks. */
  readonly env: ServiceTestEnvironment;
  /** The running service; throws outside the describe block's tests and later hooks. */
  readonly service: TService;
}

/**
 * Starts the service under test once for the enclosing describe block (jest's beforeAll/afterAll):
 * `beforeAll` creates its environment (`createServiceTestEnvironment`) and calls `start` with it,
 * `afterAll` closes the service, then cleans the environment up — whatever was created, even when
 * starting failed halfway. Call it in the describe block's body and read `env` and `service` inside
 * its tests (and hooks declared after it); anywhere else they throw, so never destructure the result
 * while the block is being defined. jest runs afterAll hooks in declaration order: clean-up of a test
 * file's own that needs the service belongs in an afterAll declared before this call.
 *
 * @example
 * const subject = serviceUnderTest('crm', (env) => startCrmService(env.startOptions()));
 * it('...', async () => {
 *   const { env, service: crm } = subject;
 * });
 */
export function serviceUnderTest<TService extends { close(): Promise<void> }>(
  service: ServiceName,
  start: (env: ServiceTestEnvironment) => Promise<TService>,
): ServiceUnderTest<TService> {
  let phase: 'defined' | 'starting' | 'stopped' = 'defined';
  let env: ServiceTestEnvironment | undefined;
  let running: TService | undefined;

  const unavailable = (property: 'env' | 'service'): Error => {
    const name = `serviceUnderTest('${service}').${property}`;
    switch (phase) {
      case 'defined':
        return new Error(
          `${name} is not there yet: read it inside the tests of the describe block that called serviceUnderTest (or its hooks declared after the call), not while the block is being defined`,
        );
      case 'starting':
        return new Error(
          `${name} is not there: ${property === 'env' ? 'the test environment could not be created' : `${service} did not start`} (see the error of the describe block's beforeAll)`,
        );
      case 'stopped':
        return new Error(`${name} is gone: the describe block's afterAll has stopped ${service} already`);
    }
  };

  beforeAll(async () => {
    phase = 'starting';
    env = await createServiceTestEnvironment(service);
    running = await start(env);
  });

  afterAll(async () => {
    phase = 'stopped';
    const [stopping, environment] = [running, env];
    running = undefined;
    env = undefined;
    try {
      await stopping?.close();
    } finally {
      await environment?.cleanup();
    }
  });

  return {
    get env() {
      if (env) return env;
      throw unavailable('env');
    },
    get service() {
      if (running) return running;
      throw unavailable('service');
    },
  };
}

/** How long after its publication an event may still be on its way to a consumer. */
const JUST_PUBLISHED_MS = 300;

/**
 * Whether every outbox of `databases` is published and, when one of them keeps the audit trail
 * (identity's `audit_events`), the trail holds every audit entry they wrote.
 */
async function outboxesSettled(databases: readonly TestDatabase[]): Promise<boolean> {
  const counted = await Promise.all(
    databases.map(async (database) => {
      const client = new Client({ connectionString: database.superuserUrl });
      await client.connect();
      try {
        // An event published a moment ago may not have reached its consumers yet (a fetch under load
        // takes longer than the 100 ms of stillness below): it counts as unpublished for a while.
        const { rows } = await client.query<{ unpublished: number; audit: number; trail: boolean }>(
          `select count(*) filter (where published_at is null
                    or published_at > now() - interval '${JUST_PUBLISHED_MS} milliseconds')::int as unpublished,
                  count(*) filter (where event_type like '%.audit.recorded.v1')::int as audit,
                  exists (select 1 from pg_tables where tablename = 'audit_events') as trail
             from outbox_events`,
        );
        const row = rows[0] ?? { unpublished: 0, audit: 0, trail: false };
        const stored = row.trail
          ? ((await client.query<{ n: number }>('select count(*)::int as n from audit_events')).rows[0]?.n ??
            0)
          : 0;
        return { ...row, stored };
      } finally {
        await client.end();
      }
    }),
  );
  const sum = (key: 'unpublished' | 'audit' | 'stored') =>
    counted.reduce((total, row) => total + row[key], 0);
  return sum('unpublished') === 0 && (!counted.some((row) => row.trail) || sum('stored') === sum('audit'));
}

/**
 * Waits (at most 15 s) until the outboxes of `databases` are settled and `statements()` has not moved
 * for 100 ms: what consumers do after a request (the audit trail storing its entries) is then over,
 * so a statement count can start or end.
 */
export async function settleStatements(
  databases: readonly TestDatabase[],
  statements: () => number,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await outboxesSettled(databases)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (let last = statements(); Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = statements();
    if (now === last) return;
    last = now;
  }
}

/** Spans recorded in memory by a test's telemetry (`recordSpans`). */
export interface SpanRecorder {
  /** Every span ended so far, in the order they ended. */
  spans(): ReadableSpan[];
  /** Uninstalls the test's telemetry. */
  stop(): Promise<void>;
}

/**
 * Installs the process's telemetry with an in-memory exporter (and nothing else): what the platform's
 * spans look like, without a collector. A jest test file is a process of its own here (its own
 * globals), so each file that records installs once, before starting what it traces.
 */
export function recordSpans(serviceName = 'platform-tests'): SpanRecorder {
  const exporter = new InMemorySpanExporter();
  const telemetry = installTelemetry({ serviceName, otlp: null, exporters: [exporter] });
  return {
    spans: () => exporter.getFinishedSpans(),
    stop: () => telemetry.shutdown(),
  };
}

/** One sample of a Prometheus text exposition. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a Prometheus text exposition (what `/metrics` answers). */
export function parseMetrics(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    const match = SAMPLE_LINE.exec(line.trim());
    if (!match?.[1] || match[3] === undefined) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL)) {
      if (name !== undefined && value !== undefined) labels[name] = value.replace(/\\(.)/g, '$1');
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `labels`; undefined when none matches. */
export function metricValue(
  samples: readonly MetricSample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const matching = samples.filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([label, value]) => sample.labels[label] === value),
  );
  return matching.length === 0 ? undefined : matching.reduce((sum, sample) => sum + sample.value, 0);
}
