/**
 * The platform's performance figures, on the loopback only, on scratch databases and topics of an
 * isolated run that is dropped afterwards (the same infrastructure a test run uses):
 *
 * 1. In one process (five services and the gateway): SQL statements per request for each query, and
 *    the idle cost (transactions/s the five databases see while nothing happens).
 * 2. As the platform runs for real, each service and the gateway a process of its own: requests/s and
 *    p50/p99 latency for each query through the gateway, and `{ me { id email } }` directly against
 *    identity's subgraph.
 *
 *   pnpm --filter @platform/gateway bench:platform [-- --requests 400 --concurrency 20 --contacts 50 --idle-seconds 30]
 *
 * Prints numbers; asserts nothing. Request loops are bounded by count and by a 60 s cap per phase;
 * every process it starts is stopped at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { childEnvironment, REPO_ROOT, serviceDir, SERVICES, type ServiceName } from '@platform/infra';
import {
  generateFieldKeyring,
  generateInternalContextKeys,
  importInternalContextPrivateKey,
  INTERNAL_CONTEXT_HEADER,
  signInternalContext,
} from '@platform/service-kit';
import { callerContext, createEventTopics, postGraphQL } from '@platform/service-kit/testing';
import {
  createGatewayTestDatabase,
  createTestDatabase,
  withTestInfrastructure,
  type TestDatabase,
} from '@platform/testing';
import { exportJWK, generateKeyPair } from 'jose';
import { Client } from 'pg';
import { startTestPlatform, type TestPlatform } from '../test/e2e/platform';
import { seeds, type GraphQLCaller, type Member } from '../test/e2e/seed';

const PHASE_CAP_MS = 60_000;
/** Ports of the process run; far from the local platform's 4000–4005 so both can run at once. */
const BASE_PORT = 47_100;

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? undefined : Number(process.argv[index + 1]);
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : fallback;
}

const QUERIES = {
  withConversations: `{ me { organization { name subscription { status plan { id } }
    contacts(first: 50) { totalCount edges { node { id displayName email owner { id email }
    conversations { totalCount } } } } } } }`,
  withoutConversations: `{ me { organization { name subscription { status plan { id } }
    contacts(first: 50) { totalCount edges { node { id displayName email owner { id email } } } } } } }`,
  me: '{ me { id email } }',
} as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

async function post(url: string, query: string, headers: Record<string, string>): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: unknown[] };
  if (response.status !== 200 || body.errors) {
    throw new Error(`${url} answered ${response.status}: ${JSON.stringify(body.errors)}`);
  }
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); 0 elsewhere. */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    // Fields after the command name: state is field 3, utime 14 and stime 15 (clock ticks, 100/s).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** Every PostgreSQL server process's CPU time so far (the database is part of each request's cost). */
function postgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += cpuMs(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/** Processes whose CPU time a phase reports per request. */
let measured: Array<{ name: string; pid: () => number | undefined }> = [];

/** `total` requests from `concurrency` workers; prints and returns requests/s. */
async function phase(label: string, total: number, concurrency: number, send: () => Promise<void>) {
  const cpuBefore = measured.map(({ pid }) => cpuMs(pid()));
  const postgresBefore = measured.length > 0 ? postgresCpuMs() : 0;
  const latencies: number[] = [];
  const startedAt = performance.now();
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < total && performance.now() - startedAt < PHASE_CAP_MS) {
      started += 1;
      const sentAt = performance.now();
      await send();
      latencies.push(performance.now() - sentAt);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  const seconds = (performance.now() - startedAt) / 1000;
  latencies.sort((a, b) => a - b);
  const rate = latencies.length / seconds;
  process.stdout.write(
    `  ${label.padEnd(52)} ${String(latencies.length).padStart(5)} req ${rate.toFixed(1).padStart(7)} req/s` +
      `  p50 ${percentile(latencies, 0.5).toFixed(1).padStart(7)} ms` +
      `  p99 ${percentile(latencies, 0.99).toFixed(1).padStart(7)} ms\n`,
  );
  if (measured.length > 0) {
    const perRequest = (ms: number) => (ms / latencies.length).toFixed(2);
    const parts = measured.map(
      ({ name, pid }, index) => `${name} ${perRequest(cpuMs(pid()) - (cpuBefore[index] ?? 0))}`,
    );
    parts.push(`postgres ${perRequest(postgresCpuMs() - postgresBefore)}`);
    process.stdout.write(`      CPU ms per request: ${parts.join(', ')}\n`);
  }
  return rate;
}

/** An organization with `contacts` contacts, each with one to three conversations. */
async function seedOrganization(caller: GraphQLCaller, contacts: number): Promise<Member> {
  const { admin } = await seeds(caller).organization('Bench');
  for (let index = 0; index < contacts; index += 1) {
    const contact = await admin.contact({ email: `contact-${index}@example.com` });
    for (let n = 0; n < (index % 3) + 1; n += 1) await admin.conversation({ contactId: contact.id });
  }
  return admin;
}

/**
 * Transactions/s the five service databases see while the platform idles, from the server's own
 * counters (the relays and consumers do not go through Prisma, so its query events would miss them;
 * every idle statement is a transaction of its own). Measured on a fresh platform, before any load,
 * so PostgreSQL's own housekeeping after writes (autovacuum) does not count.
 */
async function idleTransactionsPerSecond(platform: TestPlatform, seconds: number): Promise<number> {
  const names = Object.values(platform.databases).map((database) => database.database);
  const read = async (): Promise<number> => {
    const client = new Client({ connectionString: platform.databases.identity.adminUrl });
    await client.connect();
    try {
      const result = await client.query<{ total: string }>(
        'SELECT sum(xact_commit + xact_rollback)::text AS total FROM pg_stat_database WHERE datname = ANY($1)',
        [names],
      );
      return Number(result.rows[0]?.total ?? 0);
    } finally {
      await client.end();
    }
  };
  await sleep(10_000); // the relays back off to their idle interval first
  const before = await read();
  await sleep(seconds * 1000);
  return ((await read()) - before) / seconds;
}

/** Part 1: everything in this process, where every statement is counted. */
async function inProcess(contacts: number, idleSeconds: number): Promise<void> {
  const platform = await startTestPlatform();
  try {
    await seeds(platform).organization('Idle');
    const idle = await idleTransactionsPerSecond(platform, idleSeconds);
    process.stdout.write(
      `  idle: ${idle.toFixed(2)} transactions/s across the five databases over ${idleSeconds} s ` +
        `(one statement each; target < 10 statements/s)\n`,
    );
    const admin = await seedOrganization(platform, contacts);
    const internal = await platform.internalHeaders({
      organizationId: admin.organizationId,
      userId: admin.userId,
      roles: ['admin'],
    });
    const rows: Array<[string, () => Promise<void>]> = [
      ...Object.entries(QUERIES).map(([name, query]): [string, () => Promise<void>] => [
        `gateway: ${name}`,
        () => post(platform.gateway.graphqlUrl, query, { authorization: `Bearer ${admin.accessToken}` }),
      ]),
      ['identity directly: me', () => post(platform.identity.graphqlUrl, QUERIES.me, internal)],
    ];
    for (const [label, send] of rows) {
      await send(); // warm
      const runs = 5;
      const { total, byService } = await platform.countStatements(async () => {
        for (let run = 0; run < runs; run += 1) await send();
      });
      const per = Object.entries(byService)
        .filter(([, count]) => count > 0)
        .map(([service, count]) => `${service} ${count / runs}`)
        .join(', ');
      process.stdout.write(
        `  ${label.padEnd(40)} ${String(total / runs).padStart(5)} SQL/request  (${per})\n`,
      );
    }
  } finally {
    await platform.close();
  }
}

interface Started {
  child: ChildProcess;
  url: string;
}

function startProcess(name: string, cwd: string, port: number, environment: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd,
    env: childEnvironment({ ...environment, PORT: String(port), LOG_LEVEL: 'warn' }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal === null) process.stderr.write(`${name} exited with ${code}\n`);
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

async function ready(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/health/ready`).catch(() => null);
    if (response?.status === 200) return;
    await sleep(250);
  }
  throw new Error(`${url} did not become ready in 60 s`);
}

/** Part 2: each service and the gateway a process of its own, as `npm run platform` runs them. */
async function asProcesses(contacts: number, requests: number, concurrency: number): Promise<void> {
  const [topics, keys, identitySigning, ...databaseList] = await Promise.all([
    createEventTopics(),
    generateInternalContextKeys(),
    generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true }),
    ...SERVICES.map((service) => createTestDatabase(service)),
  ]);
  const databases = new Map<ServiceName, TestDatabase>(
    databaseList.map((database) => [database.service, database]),
  );
  const gatewayDatabase = await createGatewayTestDatabase();
  const signingJwk = {
    ...(await exportJWK(identitySigning.privateKey)),
    kid: 'bench',
    alg: 'EdDSA',
    use: 'sig',
  };
  const started: Started[] = [];
  try {
    const urls = new Map<ServiceName, string>();
    SERVICES.forEach((service, index) => {
      const process = startProcess(service, serviceDir(service), BASE_PORT + 1 + index, {
        DATABASE_URL: databases.get(service)?.appUrl ?? '',
        INTERNAL_CONTEXT_PUBLIC_JWK: JSON.stringify(keys.publicJwk),
        KAFKA_BROKERS: topics.brokers.join(','),
        TOPIC_PREFIX: topics.prefix,
        ...(service === 'identity'
          ? {
              IDENTITY_SIGNING_JWK: JSON.stringify(signingJwk),
              IDENTITY_SECRETS_KEY: randomBytes(32).toString('base64'),
            }
          : {}),
        ...(service === 'crm' ? { CRM_PII_KEYRING: generateFieldKeyring() } : {}),
        ...(service === 'billing' ? { BILLING_PII_KEYRING: generateFieldKeyring() } : {}),
        ...(service === 'conversations' ? { CONVERSATIONS_PII_KEYRING: generateFieldKeyring() } : {}),
      });
      started.push(process);
      urls.set(service, process.url);
    });
    await Promise.all([...urls.values()].map(ready));
    const subgraph = (service: ServiceName) => `${urls.get(service) ?? ''}/graphql`;
    const gateway = startProcess('gateway', path.join(REPO_ROOT, 'gateway'), BASE_PORT, {
      IDENTITY_URL: subgraph('identity'),
      CRM_URL: subgraph('crm'),
      CONVERSATIONS_URL: subgraph('conversations'),
      BILLING_URL: subgraph('billing'),
      AUTOMATION_URL: subgraph('automation'),
      IDENTITY_JWKS_URL: `${urls.get('identity') ?? ''}/.well-known/jwks.json`,
      IDENTITY_PRINCIPAL_URL: `${urls.get('identity') ?? ''}/internal/principal`,
      KAFKA_BROKERS: topics.brokers.join(','),
      TOPIC_PREFIX: topics.prefix,
      INTERNAL_CONTEXT_PRIVATE_JWK: JSON.stringify(keys.privateJwk),
      // Rate limits charge every request in the gateway's database, as in production; the budget is
      // out of reach, since this measures the platform, not the limit.
      RATE_LIMIT_DATABASE_URL: gatewayDatabase.url,
      RATE_LIMIT_USER_POINTS: '1000000000',
    });
    started.push(gateway);
    await ready(gateway.url);
    const graphqlUrl = `${gateway.url}/graphql`;
    const caller: GraphQLCaller = {
      graphql: (query, variables = {}, token) =>
        postGraphQL(graphqlUrl, query, variables, token ? { authorization: `Bearer ${token}` } : {}),
    };
    const admin = await seedOrganization(caller, contacts);
    measured = [
      ...SERVICES.map((service, index) => ({ name: service, pid: () => started[index]?.child.pid })),
      { name: 'gateway', pid: () => gateway.child.pid },
    ];
    const bearer = { authorization: `Bearer ${admin.accessToken}` };
    // Internal contexts live 60 s: signed right before the phase that uses it.
    const internalToken = async () => ({
      [INTERNAL_CONTEXT_HEADER]: await signInternalContext(
        await importInternalContextPrivateKey(keys.privateJwk),
        callerContext({ organizationId: admin.organizationId, userId: admin.userId }),
        { requestId: 'bench' },
      ),
    });
    // JIT and caches (query plans, prepared statements) warm for every query first: the first
    // phase would otherwise pay for them.
    for (const query of Object.values(QUERIES)) {
      await phase('warm-up', 200, concurrency, () => post(graphqlUrl, query, bearer));
    }
    const withConversations = await phase(
      'gateway: contacts(first: 50) with conversations',
      requests,
      concurrency,
      () => post(graphqlUrl, QUERIES.withConversations, bearer),
    );
    const withoutConversations = await phase(
      'gateway: contacts(first: 50) without conversations',
      requests,
      concurrency,
      () => post(graphqlUrl, QUERIES.withoutConversations, bearer),
    );
    const viaGateway = await phase('gateway: { me { id email } }', requests * 2, concurrency, () =>
      post(graphqlUrl, QUERIES.me, bearer),
    );
    const headers = await internalToken();
    const direct = await phase(
      'identity subgraph directly: { me { id email } }',
      requests * 2,
      concurrency,
      () => post(subgraph('identity'), QUERIES.me, headers),
    );
    process.stdout.write(
      `\n  with ÷ without conversations (req/s): ${(withConversations / withoutConversations).toFixed(2)}   (target ≥ 0.85)\n` +
        `  gateway ÷ direct subgraph for me (req/s): ${(viaGateway / direct).toFixed(2)}   (target ≥ 0.6)\n`,
    );
  } finally {
    for (const { child } of started) child.kill('SIGTERM');
    await Promise.all(
      started.map(({ child }) =>
        child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : Promise.resolve(),
      ),
    );
    await Promise.all([...databases.values(), gatewayDatabase].map((database) => database.drop()));
    await topics.delete();
  }
}

async function main(): Promise<void> {
  const requests = option('requests', 400);
  const concurrency = option('concurrency', 20);
  const contacts = option('contacts', 50);
  const idleSeconds = option('idle-seconds', 30);
  const nodeVersion = process.version;
  const supergraph = readFileSync(path.join(__dirname, '..', 'supergraph.graphql'), 'utf8').length;
  process.stdout.write(
    `node ${nodeVersion}; ${contacts} contacts; ${requests} requests per phase at concurrency ${concurrency}; ` +
      `supergraph ${supergraph} bytes\n\n1. one process: SQL statements per request, idle cost\n`,
  );
  await inProcess(contacts, idleSeconds);
  process.stdout.write('\n2. a process per service and one for the gateway: throughput and latency\n');
  await asProcesses(contacts, requests, concurrency);
}

withTestInfrastructure(main).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
