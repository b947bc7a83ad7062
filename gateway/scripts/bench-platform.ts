/**
 * The platform's performance figures, through the gateway and directly against a subgraph, on the
 * loopback only: the whole platform in this process (five services, the gateway, real PostgreSQL and
 * Kafka in a scratch run that is dropped afterwards), an organization seeded with contacts and
 * conversations, then for each query requests/s, p50/p99 latency and SQL statements per request.
 *
 *   pnpm --filter @platform/gateway bench:platform [-- --requests 400 --concurrency 20 --contacts 50 --idle-seconds 30]
 *
 * Prints numbers; asserts nothing. Request loops are bounded by count and by a 60 s cap per phase.
 */
import { performance } from 'node:perf_hooks';
import { withTestInfrastructure } from '@platform/testing';
import { Client } from 'pg';
import { startTestPlatform, type TestPlatform } from '../test/e2e/platform';
import { seeds } from '../test/e2e/seed';

const PHASE_CAP_MS = 60_000;

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? undefined : Number(process.argv[index + 1]);
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : fallback;
}

const WITH_CONVERSATIONS = `{ me { organization { name subscription { status plan { id } }
  contacts(first: 50) { totalCount edges { node { id displayName email owner { id email }
  conversations { totalCount } } } } } } }`;
const WITHOUT_CONVERSATIONS = `{ me { organization { name subscription { status plan { id } }
  contacts(first: 50) { totalCount edges { node { id displayName email owner { id email } } } } } } }`;
const ME = '{ me { id email } }';

interface Figures {
  label: string;
  completed: number;
  rate: number;
  p50: number;
  p99: number;
  statements: number;
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

async function phase(
  platform: TestPlatform,
  label: string,
  total: number,
  concurrency: number,
  send: () => Promise<void>,
): Promise<Figures> {
  const latencies: number[] = [];
  const { total: statements, result: seconds } = await platform.countStatements(async () => {
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
    return (performance.now() - startedAt) / 1000;
  });
  latencies.sort((a, b) => a - b);
  const figures = {
    label,
    completed: latencies.length,
    rate: latencies.length / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    statements: statements / Math.max(1, latencies.length),
  };
  process.stdout.write(
    `${label.padEnd(52)} ${String(figures.completed).padStart(5)} req ${figures.rate.toFixed(1).padStart(7)} req/s` +
      `  p50 ${figures.p50.toFixed(1).padStart(7)} ms  p99 ${figures.p99.toFixed(1).padStart(7)} ms` +
      `  ${figures.statements.toFixed(1).padStart(6)} SQL/req\n`,
  );
  return figures;
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What the platform costs PostgreSQL while nothing happens (relays polling, consumers waiting), from
 * the server's own counters: committed and rolled-back transactions in the five service databases.
 * The relays' and consumers' statements do not go through Prisma, so counting Prisma's query events
 * would miss them; the server sees everything.
 */
async function idleTransactionsPerSecond(platform: TestPlatform, seconds: number): Promise<number> {
  const names = Object.values(platform.databases).map((database) => database.database);
  const adminUrl = platform.databases.identity.adminUrl;
  const read = async (): Promise<number> => {
    const client = new Client({ connectionString: adminUrl });
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
  await sleep(5_000); // let the relays back off to their idle interval first
  const before = await read();
  await sleep(seconds * 1000);
  return ((await read()) - before) / seconds;
}

async function main(): Promise<void> {
  const requests = option('requests', 400);
  const concurrency = option('concurrency', 20);
  const contacts = option('contacts', 50);
  const platform = await startTestPlatform();
  try {
    const { admin } = await seeds(platform).organization('Bench');
    for (let index = 0; index < contacts; index += 1) {
      const contact = await admin.contact({ email: `contact-${index}@example.com` });
      for (let n = 0; n < (index % 3) + 1; n += 1) await admin.conversation({ contactId: contact.id });
    }
    const bearer = { authorization: `Bearer ${admin.accessToken}` };
    const gateway = (query: string) => () => post(platform.gateway.graphqlUrl, query, bearer);
    const internal = await platform.internalHeaders({
      organizationId: admin.organizationId,
      userId: admin.userId,
      roles: ['admin'],
    });
    const identityDirect = () => post(platform.identity.graphqlUrl, ME, internal);

    process.stdout.write(
      `node ${process.version}, ${contacts} contacts, ${requests} requests per phase, concurrency ${concurrency}\n`,
    );
    await phase(platform, 'warm-up', 100, 4, gateway(WITH_CONVERSATIONS));
    const full = await phase(
      platform,
      'gateway: contacts(first: 50) with conversations',
      requests,
      concurrency,
      gateway(WITH_CONVERSATIONS),
    );
    const lean = await phase(
      platform,
      'gateway: contacts(first: 50) without conversations',
      requests,
      concurrency,
      gateway(WITHOUT_CONVERSATIONS),
    );
    const viaGateway = await phase(
      platform,
      'gateway: { me { id email } }',
      requests * 2,
      concurrency,
      gateway(ME),
    );
    const direct = await phase(
      platform,
      'identity subgraph directly: { me { id email } }',
      requests * 2,
      concurrency,
      identityDirect,
    );
    const idle = await idleTransactionsPerSecond(platform, option('idle-seconds', 30));
    process.stdout.write(
      `\nidle platform: ${idle.toFixed(2)} transactions/s across the five databases (every idle ` +
        `statement runs in a transaction of its own: target < 10 statements/s)\n`,
    );
    process.stdout.write(
      `\nwith ÷ without conversations (req/s): ${(full.rate / lean.rate).toFixed(2)}   (target ≥ 0.85)\n` +
        `gateway ÷ direct subgraph for me (req/s): ${(viaGateway.rate / direct.rate).toFixed(2)}   (target ≥ 0.6)\n`,
    );
  } finally {
    await platform.close();
  }
}

withTestInfrastructure(main).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
