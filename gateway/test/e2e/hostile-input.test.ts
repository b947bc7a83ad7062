/**
 * Every Query and Mutation field of the supergraph, enumerated from gateway/supergraph.graphql, answers
 * malformed and boundary input through the gateway with a typed error or a result — never an internal
 * error — signed in and anonymously; a refused mutation writes nothing but its audit entry (no row, no
 * domain event); every
 * service is still healthy afterwards. The test fails when it did not exercise a field, so a field
 * added later is covered without anyone listing it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { eventually, type TestDatabase } from '@platform/testing';
import {
  baselineCase,
  hostileCases,
  IdPool,
  supergraphRootFields,
  toJsonText,
  type GenerationContext,
  type HostileCase,
  type Json,
  type RootField,
} from './hostile-inputs';
import { startTestPlatform, type TestPlatform } from './platform';

const SUPERGRAPH = readFileSync(path.join(__dirname, '..', '..', 'supergraph.graphql'), 'utf8');
const { schema, fields: ROOT_FIELDS } = supergraphRootFields(SUPERGRAPH);

/** Codes a client may be answered with for bad input. Anything else (INTERNAL_SERVER_ERROR, a
 * subgraph call failure, no code at all) is a failure of the platform, not of the input. */
const ACCEPTABLE_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CONFLICT',
  'ORGANIZATION_SUSPENDED',
  'TOO_MANY_REQUESTS',
  // The gateway's limits before execution (a hostile case may well be over one).
  'MAX_DEPTH_EXCEEDED',
  'MAX_ALIASES_EXCEEDED',
  'MAX_DIRECTIVES_EXCEEDED',
  'MAX_TOKENS_EXCEEDED',
  'MAX_COST_EXCEEDED',
]);
/** How input no service may accept must be answered. */
const REFUSAL_CODES: ReadonlySet<string> = new Set([
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  // A document too big or too deep for the gateway's limits is refused before it is even validated.
  'MAX_TOKENS_EXCEEDED',
  'MAX_DEPTH_EXCEEDED',
]);
const QUERY_CONCURRENCY = 4;
const REQUEST_TIMEOUT_MS = 20_000;

type Caller = 'signed in' | 'anonymous';
const CALLERS: readonly Caller[] = ['signed in', 'anonymous'];

/** Whether anyone may call the field (it declares @public). */
const isPublic = (root: RootField) =>
  (root.field.astNode?.directives ?? []).some((directive) => directive.name.value === 'public');

/**
 * The cases a caller runs against a field. An anonymous caller of a field that needs a signed-in
 * caller is refused whatever the input holds; its baseline and the inline (parse-level) cases stand
 * for the rest, which the signed-in caller runs in full. Anonymous callers of @public fields run all.
 */
function casesFor(root: RootField, caller: Caller, context: GenerationContext): HostileCase[] {
  const cases = hostileCases(root, context);
  if (caller !== 'anonymous' || isPublic(root)) return cases;
  return cases.filter((kase) => kase.label === 'baseline' || kase.label.startsWith('inline '));
}

interface GraphQLError {
  message?: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: unknown };
}

interface Answer {
  status: number;
  data: Record<string, unknown> | null | undefined;
  errors: GraphQLError[];
  /** What went wrong with the exchange itself (timeout, a body that is not GraphQL JSON). */
  failure?: string;
}

async function send(
  url: string,
  query: string,
  variables: Record<string, Json>,
  token?: string,
): Promise<Answer> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: toJsonText({ query, variables }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return {
        status: response.status,
        data: undefined,
        errors: [],
        failure: `body is not JSON: ${text.slice(0, 200)}`,
      };
    }
    if (typeof body !== 'object' || body === null) {
      return {
        status: response.status,
        data: undefined,
        errors: [],
        failure: `body is not an object: ${text.slice(0, 200)}`,
      };
    }
    const { data, errors } = body as { data?: Record<string, unknown> | null; errors?: GraphQLError[] };
    return { status: response.status, data, errors: Array.isArray(errors) ? errors : [] };
  } catch (error) {
    return {
      status: 0,
      data: undefined,
      errors: [],
      // fetch's own message ("fetch failed") says nothing: the cause (ECONNRESET, a timeout…) does.
      failure:
        error instanceof Error
          ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}`
          : String(error),
    };
  }
}

function codeOf(error: GraphQLError): string {
  return typeof error.extensions?.code === 'string' ? error.extensions.code : '<no code>';
}

/** The root field itself was refused (not just something below it). */
function refused(kase: HostileCase, answer: Answer): boolean {
  const rootFailed = answer.errors.some((error) => !error.path || error.path.length <= 1);
  return (
    rootFailed && (answer.data === null || answer.data === undefined || answer.data[kase.root.name] === null)
  );
}

/** Variables as a reader can take them in: long strings and deep nesting shortened, controls escaped. */
function preview(value: unknown, depth = 0): string {
  if (typeof value === 'string') {
    return value.length > 60
      ? `${JSON.stringify(value.slice(0, 12))}…(${value.length} chars)`
      : JSON.stringify(value);
  }
  if (depth > 5 && typeof value === 'object' && value !== null) return '…';
  if (Array.isArray(value)) {
    const items = value.slice(0, 5).map((item) => preview(item, depth + 1));
    return `[${items.join(',')}${value.length > 5 ? `,…(${value.length} items)` : ''}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    const shown = entries
      .slice(0, 10)
      .map(([key, item]) => `${JSON.stringify(key)}:${preview(item, depth + 1)}`);
    return `{${shown.join(',')}${entries.length > 10 ? `,…(${entries.length} keys)` : ''}}`;
  }
  return String(value);
}

function describeCase(kase: HostileCase, caller: Caller): string {
  const query = kase.query.length > 300 ? `${kase.query.slice(0, 300)}…` : kase.query;
  return `${kase.root.operation} ${kase.root.name} [${kase.label}] (${caller}) query=${query} variables=${preview(kase.variables)}`;
}

function describeAnswer(answer: Answer): string {
  const errors = answer.errors.map((error) => `${codeOf(error)}: ${(error.message ?? '').slice(0, 160)}`);
  return `status ${answer.status}${answer.failure ? `, ${answer.failure}` : ''}; errors: ${JSON.stringify(errors)}`;
}

/** Problems of one answer: a server failure, an internal or unknown error code, hostile input accepted. */
function problemsOf(kase: HostileCase, caller: Caller, answer: Answer): string[] {
  const problems: string[] = [];
  const where = describeCase(kase, caller);
  if (answer.failure || answer.status >= 500) problems.push(`${where} → ${describeAnswer(answer)}`);
  else if (answer.errors.length === 0 && (answer.data === undefined || answer.data === null)) {
    problems.push(`${where} → neither data nor errors (${describeAnswer(answer)})`);
  } else if (answer.errors.some((error) => !ACCEPTABLE_CODES.has(codeOf(error)))) {
    problems.push(`${where} → ${describeAnswer(answer)}`);
  } else if (
    kase.mustRefuse &&
    (!refused(kase, answer) || answer.errors.some((error) => !REFUSAL_CODES.has(codeOf(error))))
  ) {
    problems.push(`${where} → not refused as bad input: ${describeAnswer(answer)}`);
  } else if (kase.names && !answer.errors.some((error) => error.message?.includes(kase.names ?? ''))) {
    problems.push(`${where} → the refusal does not name ${kase.names}: ${describeAnswer(answer)}`);
  }
  return problems;
}

type Counts = Record<string, number>;

/** Row counts of every table of one service database, read as the superuser (row-level security off). */
class TableCounter {
  private constructor(
    private readonly client: Client,
    private readonly sql: string,
    private readonly unpublishedSql: string | undefined,
  ) {}

  static async open(database: TestDatabase): Promise<TableCounter> {
    const url = new URL(database.adminUrl);
    url.pathname = `/${database.database}`;
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    const { rows } = await client.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1`,
    );
    if (rows.length === 0) throw new Error(`${database.database} has no tables`);
    // The audit trail is the one write a refused operation makes by design (its entry, and the trail's
    // consumer storing it): what is counted here is everything else.
    const onlyDomain: Record<string, string> = {
      outbox_events: `WHERE event_type NOT LIKE '%.audit.recorded.v1'`,
      processed_events: `WHERE consumer_group <> 'identity.audit'`,
    };
    const sql = rows
      .filter((row) => row.name !== 'audit_events')
      .map(
        (row) =>
          `SELECT '${row.name}' AS name, count(*)::int AS count FROM "${row.name.replace(/"/g, '""')}" ${onlyDomain[row.name] ?? ''}`,
      )
      .join(' UNION ALL ');
    const hasOutbox = rows.some((row) => row.name === 'outbox_events');
    return new TableCounter(
      client,
      sql,
      hasOutbox
        ? `SELECT count(*)::int AS count FROM "outbox_events" WHERE "published_at" IS NULL`
        : undefined,
    );
  }

  async counts(): Promise<Counts> {
    const { rows } = await this.client.query<{ name: string; count: number }>(this.sql);
    return Object.fromEntries(rows.map((row) => [row.name, row.count]));
  }

  /** Outbox rows the relay has not published yet. */
  async unpublished(): Promise<number> {
    if (!this.unpublishedSql) return 0;
    const { rows } = await this.client.query<{ count: number }>(this.unpublishedSql);
    return rows[0]?.count ?? 0;
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

function changedTables(before: Counts, after: Counts): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names]
    .filter((name) => before[name] !== after[name])
    .map((name) => `${name} ${before[name] ?? 0}→${after[name] ?? 0}`);
}

async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) {
      const item = items[index];
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

interface Tenant {
  token: string;
  ids: IdPool;
}

describe('hostile input through the gateway', () => {
  let platform: TestPlatform;
  let counters: Map<string, TableCounter>;
  let signedIn: Tenant;
  let other: Tenant;
  let problemCount = 0;
  /** Root field name → the callers it was exercised as. */
  const exercised = new Map<string, Set<Caller>>();
  let requests = 0;
  const startedAt = performance.now();

  /** Milliseconds spent waiting for answers, by the kind of case (the label without its position). */
  const timeByKind = new Map<string, { requests: number; ms: number }>();
  const call = async (kase: HostileCase, caller: Caller): Promise<Answer> => {
    requests += 1;
    const sentAt = performance.now();
    const answer = await send(
      platform.gateway.graphqlUrl,
      kase.query,
      kase.variables,
      caller === 'signed in' ? signedIn.token : undefined,
    );
    const kind = kase.label.replace(/^.*: /, '');
    const spent = timeByKind.get(kind) ?? { requests: 0, ms: 0 };
    timeByKind.set(kind, { requests: spent.requests + 1, ms: spent.ms + performance.now() - sentAt });
    const callers = exercised.get(kase.root.name) ?? new Set<Caller>();
    callers.add(caller);
    exercised.set(kase.root.name, callers);
    return answer;
  };

  /** Lifts a suspension of the signed-in tenant, and waits until the gateway knows (writes work). */
  const reactivate = async (): Promise<void> => {
    await send(
      platform.gateway.graphqlUrl,
      'mutation { reactivateOrganization { status } }',
      {},
      signedIn.token,
    );
    await eventually('the reactivation reached the gateway', async () => {
      const probe = await send(
        platform.gateway.graphqlUrl,
        'mutation { removeConfiguration(key: "probe") }',
        {},
        signedIn.token,
      );
      return probe.errors.length === 0;
    });
  };

  const allCounts = async (): Promise<Record<string, Counts>> => {
    const entries = await Promise.all(
      [...counters].map(async ([service, counter]) => [service, await counter.counts()] as const),
    );
    return Object.fromEntries(entries);
  };

  /** Waits until every outbox is published and no table changes for a while: consumers are done. */
  const quiet = async (): Promise<void> => {
    const deadline = Date.now() + 30_000;
    let previous = JSON.stringify(await allCounts());
    let stableRounds = 0;
    while (stableRounds < 4) {
      if (Date.now() > deadline) throw new Error('the platform did not settle within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const unpublished = (
        await Promise.all([...counters.values()].map((counter) => counter.unpublished()))
      ).reduce((sum, count) => sum + count, 0);
      const current = JSON.stringify(await allCounts());
      stableRounds = unpublished === 0 && current === previous ? stableRounds + 1 : 0;
      previous = current;
    }
  };

  const contextFor = (tenant: Tenant, foreign: Tenant): GenerationContext => ({
    schema,
    own: tenant.ids,
    foreign: foreign.ids,
  });

  beforeAll(async () => {
    // Every case selects every field of what it returns: a list of contacts (importContacts) read with
    // all their nested lists is over the public cost limit, which limits.test.ts covers; here the
    // input is under test.
    // Counting API calls in one long window: the query phase runs for minutes, and a closed window is
    // published and metered by billing (a write the queries cause by design, not one they make).
    platform = await startTestPlatform({ limits: { maxCost: 1_000_000 }, apiUsageWindowSeconds: 31_536_000 });
    counters = new Map(
      await Promise.all(
        Object.entries(platform.databases).map(
          async ([service, database]) => [service, await TableCounter.open(database)] as const,
        ),
      ),
    );
    const signUp = async (label: string): Promise<Tenant> => {
      const suffix = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      const result = await platform.graphql<{ signUp: { accessToken: string } }>(
        `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
        {
          input: {
            organizationName: `${label} ${suffix}`,
            email: `founder-${suffix}@example.com`,
            password: 'correct horse battery staple',
          },
        },
      );
      const token = result.data?.signUp.accessToken;
      if (!token) throw new Error(`sign-up failed: ${JSON.stringify(result.errors)}`);
      const me = await platform.graphql<{ me: { id: string; organization: { id: string } } }>(
        `{ me { __typename id organization { __typename id } } }`,
        {},
        token,
      );
      const ids = new IdPool();
      ids.collect(me.data);
      if (!ids.get('User') || !ids.get('Organization'))
        throw new Error(`me failed: ${JSON.stringify(me.errors)}`);
      return { token, ids };
    };
    signedIn = await signUp('Hostile');
    other = await signUp('Foreign');
    // Real objects of both tenants (two rounds, so a mutation needing another's object finds one):
    // the baselines of every field, run once as each tenant, their ids collected by type.
    for (let round = 0; round < 2; round += 1) {
      for (const [tenant, foreign] of [
        [other, signedIn],
        [signedIn, other],
      ] as const) {
        const mutationsFirst = [
          // Signing out everywhere makes no object and would end the tenant's session: not a setup step.
          ...ROOT_FIELDS.filter((root) => root.operation === 'mutation' && root.name !== 'revokeAllSessions'),
          ...ROOT_FIELDS.filter((root) => root.operation !== 'mutation'),
        ];
        for (const root of mutationsFirst) {
          const kase = baselineCase(root, contextFor(tenant, foreign));
          const answer = await send(platform.gateway.graphqlUrl, kase.query, kase.variables, tenant.token);
          if (!refused(kase, answer)) tenant.ids.collect(answer.data?.[root.name]);
        }
      }
    }
    await quiet();
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...(counters?.values() ?? [])].map((counter) => counter.close()));
    await platform?.close();
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    // Where the time goes: the kinds of case that took longest to answer, in all.
    const slowest = [...timeByKind]
      .sort(([, a], [, b]) => b.ms - a.ms)
      .slice(0, 12)
      .map(([kind, { requests: sent, ms }]) => `  ${kind}: ${sent} requests, ${(ms / 1000).toFixed(1)} s`);
    process.stdout.write(
      `hostile input: ${ROOT_FIELDS.length} root fields, ${requests} hostile requests, ${problemCount} problems, ${seconds} s\n${slowest.join('\n')}\n`,
    );
  });

  it('enumerates exactly the Query and Mutation fields the gateway serves', async () => {
    const answer = await platform.graphql<{
      __schema: {
        queryType: { fields: Array<{ name: string }> };
        mutationType: { fields: Array<{ name: string }> } | null;
      };
    }>(`{ __schema { queryType { fields { name } } mutationType { fields { name } } } }`);
    const served = [
      ...(answer.data?.__schema.queryType.fields ?? []).map((field) => `query ${field.name}`),
      ...(answer.data?.__schema.mutationType?.fields ?? []).map((field) => `mutation ${field.name}`),
    ].sort();
    expect(served.length).toBeGreaterThan(0);
    expect(ROOT_FIELDS.map((root) => `${root.operation} ${root.name}`).sort()).toEqual(served);
    expect(
      ROOT_FIELDS.every((root) => root.subgraph !== undefined && root.subgraph in platform.databases),
    ).toBe(true);
  });

  it('answers hostile input to every Query field with a typed error or a result, and no query writes', async () => {
    const queries = ROOT_FIELDS.filter((root) => root.operation === 'query');
    const problems: string[] = [];
    /** Runs every query case; answers the tables that changed meanwhile, by service. */
    const runAll = async (record: boolean): Promise<string[]> => {
      const before = await allCounts();
      const work = CALLERS.flatMap((caller) =>
        queries.flatMap((root) =>
          casesFor(root, caller, contextFor(signedIn, other)).map((kase) => ({ kase, caller })),
        ),
      );
      await inParallel(work, QUERY_CONCURRENCY, async ({ kase, caller }) => {
        const found = problemsOf(kase, caller, await call(kase, caller));
        if (record) problems.push(...found);
      });
      await quiet();
      const after = await allCounts();
      return Object.keys(before).flatMap((service) =>
        changedTables(before[service] ?? {}, after[service] ?? {}).map((change) => `${service}: ${change}`),
      );
    };
    const changed = await runAll(true);
    // A consumer still catching up with the setup's events may have written meanwhile: settled now,
    // the same queries again must write nothing.
    const changedAgain = changed.length > 0 ? await runAll(false) : [];
    if (changedAgain.length > 0)
      problems.push(`queries wrote: ${changed.join(', ')}; again: ${changedAgain.join(', ')}`);
    problemCount += problems.length;
    expect(problems).toEqual([]);
  }, 480_000);

  it('answers hostile input to every Mutation field with a typed error or a result; a refused mutation writes nothing', async () => {
    const mutations = ROOT_FIELDS.filter((root) => root.operation === 'mutation');
    const problems: string[] = [];
    /** Accepted mutations whose writes the counters saw: proof the half-write check can see one. */
    let acceptedWrites = 0;
    // One subgraph at a time, after everything has settled: a subgraph writes only its own database,
    // so nothing else changes it while its mutations run (its consumers only follow other services).
    const bySubgraph = new Map<string, RootField[]>();
    // Signing out everywhere ends the caller's own session: it runs after everything else.
    const endsSessions = (root: RootField) => root.name === 'revokeAllSessions';
    mutations.sort((a, b) => Number(endsSessions(a)) - Number(endsSessions(b)));
    for (const root of mutations)
      bySubgraph.set(root.subgraph ?? '?', [...(bySubgraph.get(root.subgraph ?? '?') ?? []), root]);
    const groups = [...bySubgraph].sort(
      ([, a], [, b]) => Number(a.some(endsSessions)) - Number(b.some(endsSessions)),
    );
    for (const [subgraph, roots] of groups) {
      const counter = counters.get(subgraph);
      if (!counter) throw new Error(`no database for subgraph ${subgraph}`);
      await quiet();
      // A case's counts after are the next case's counts before: anything written between the two
      // (a consumer catching up) is caught below as a write of the next case, settled and replayed.
      let before = await counter.counts();
      for (const root of roots) {
        for (const caller of CALLERS) {
          const cases = casesFor(root, caller, contextFor(signedIn, other));
          // For signing out everywhere, the cases that must be refused run while the session still lives.
          if (endsSessions(root)) cases.sort((a, b) => Number(b.mustRefuse) - Number(a.mustRefuse));
          for (const kase of cases) {
            const answer = await call(kase, caller);
            const after = await counter.counts();
            const found = problemsOf(kase, caller, answer);
            problems.push(...found);
            // A suspension accepted as valid input would refuse every later write: lift it again.
            const changed = changedTables(before, after);
            before = after;
            if (root.name === 'suspendOrganization' && answer.errors.length === 0) {
              await reactivate();
              before = await counter.counts();
            }
            if (!refused(kase, answer)) {
              if (changed.length > 0) acceptedWrites += 1;
              continue;
            }
            if (changed.length === 0) continue;
            // Something else may have written meanwhile: settle, then the same request again.
            await quiet();
            const again = await counter.counts();
            const replay = await call(kase, caller);
            before = await counter.counts();
            const changedAgain = changedTables(again, before);
            if (changedAgain.length > 0 || !refused(kase, replay)) {
              problems.push(
                `${describeCase(kase, caller)} → refused (${describeAnswer(answer)}) but wrote to ${subgraph}: ${changed.join(', ')}; again: ${changedAgain.join(', ')}`,
              );
            }
          }
        }
      }
    }
    problemCount += problems.length;
    expect(problems).toEqual([]);
    expect(acceptedWrites).toBeGreaterThan(0);
  }, 900_000);

  it('leaves every service and the gateway healthy', async () => {
    for (const service of [
      platform.identity,
      platform.crm,
      platform.conversations,
      platform.billing,
      platform.automation,
      platform.gateway,
    ]) {
      const response = await fetch(`${service.url}/health/ready`);
      expect({ url: service.url, status: response.status }).toEqual({ url: service.url, status: 200 });
    }
    // The other tenant's session (the signed-in one signed out everywhere at the end of the mutations).
    const answer = await platform.graphql(
      `{ me { id organization { id name } } plans { id } }`,
      {},
      other.token,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toMatchObject({ me: { id: other.ids.get('User') } });
  });

  it('exercised every Query and Mutation field, signed in and anonymously', () => {
    const missing = ROOT_FIELDS.flatMap((root) =>
      CALLERS.filter((caller) => !exercised.get(root.name)?.has(caller)).map(
        (caller) => `${root.operation} ${root.name} (${caller})`,
      ),
    );
    expect(ROOT_FIELDS.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });
});
