/**
 * Does one noisy API key slow the others? A quiet key runs the same cheap operations one after another,
 * first alone, then while a noisy key (another process) hammers the gateway with many concurrent requests until its budget
 * is spent and it is refused (429) for the rest of the window. Prints the quiet key's latency in both
 * phases and what the noisy key got; asserts nothing. The five services and the gateway in this process
 * (real PostgreSQL counters, real Kafka), as in the tests.
 *
 *   pnpm --filter @platform/gateway bench:rate-limits [-- --requests 400 --concurrency 16]
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { withTestInfrastructure } from '@platform/testing';
import { startTestPlatform, type TestPlatform } from '../test/e2e/platform';
import { seeds, type Member } from '../test/e2e/seed';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const REQUESTS = option('requests', 400);
const CONCURRENCY = option('concurrency', 16);
const BUDGET = 10_000;
const QUERY = '{ me { id organization { id name } } }';

const percentile = (sorted: readonly number[], fraction: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;

async function send(platform: TestPlatform, key: string): Promise<number> {
  const response = await fetch(platform.gateway.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ query: QUERY }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function createKey(platform: TestPlatform, admin: Member, name: string): Promise<string> {
  const data = await admin.run<{ createApiKey: { secret: string } }>(
    `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
    { input: { name, scopes: ['contacts:read'] } },
  );
  // Warm the key's principal in the gateway's cache, as a partner's steady traffic would.
  await send(platform, data.createApiKey.secret);
  return data.createApiKey.secret;
}

async function quietRun(platform: TestPlatform, key: string): Promise<number[]> {
  const latencies: number[] = [];
  for (let index = 0; index < REQUESTS; index += 1) {
    const started = performance.now();
    const status = await send(platform, key);
    latencies.push(performance.now() - started);
    if (status !== 200) throw new Error(`the quiet key got HTTP ${status}`);
  }
  return latencies.sort((a, b) => a - b);
}

interface Phase {
  alone: number[];
  beside: number[];
  noisy: { sent: number; accepted: number; refused: number; seconds: number };
}

/** One platform with the given API-key budget: the quiet key alone, then beside the noisy one. */
async function phase(budget: number): Promise<Phase> {
  const platform = await startTestPlatform({
    rateLimits: {
      windowSeconds: 60,
      budgets: { apiKey: budget, user: 1_000_000_000, anonymous: 1_000_000_000 },
    },
  });
  try {
    const { admin } = await seeds(platform).organization('RateBench');
    const alone = await quietRun(platform, await createKey(platform, admin, 'quiet alone'));
    const noisyKey = await createKey(platform, admin, 'noisy');
    const quietKey = await createKey(platform, admin, 'quiet beside noise');
    const noise = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(__dirname, 'noisy-client.ts'),
        platform.gateway.graphqlUrl,
        noisyKey,
        String(CONCURRENCY),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: noise.stdout });
    const received: string[] = [];
    // With a budget to spend, the quiet key runs beside a refused, still-hammering key; without one,
    // beside a key whose every request runs.
    const awaited = budget < 1_000_000_000 ? 'refused' : 'under way';
    let ready: () => void = () => undefined;
    const noiseReady = new Promise<void>((resolve) => (ready = resolve));
    lines.on('line', (line) => {
      received.push(line);
      if (line === awaited) ready();
    });
    await noiseReady;
    const beside = await quietRun(platform, quietKey);
    const exited = new Promise((resolve) => noise.once('exit', resolve));
    noise.kill('SIGTERM');
    await exited;
    const noisy = JSON.parse(received.at(-1) ?? '{}') as Phase['noisy'];
    return { alone, beside, noisy };
  } finally {
    await platform.close();
  }
}

async function main(): Promise<void> {
  const limited = await phase(BUDGET);
  const unlimited = await phase(1_000_000_000);
  const line = (label: string, sorted: number[]) =>
    `  ${label.padEnd(46)} p50 ${percentile(sorted, 0.5).toFixed(2)} ms   p99 ${percentile(sorted, 0.99).toFixed(2)} ms   max ${(sorted.at(-1) ?? 0).toFixed(2)} ms\n`;
  const noise = ({ noisy }: Phase) =>
    `${noisy.sent} requests in ${noisy.seconds.toFixed(1)} s (${(noisy.sent / noisy.seconds).toFixed(0)}/s): ${noisy.accepted} accepted, ${noisy.refused} refused with 429`;
  process.stdout.write(
    `rate limits by cost: ${REQUESTS} sequential requests of a quiet API key, alone and beside a noisy key (${CONCURRENCY} concurrent clients in another process); counters in PostgreSQL\n`,
  );
  process.stdout.write(`  budget ${BUDGET} points / 60 s per key\n`);
  process.stdout.write(line('quiet key alone', limited.alone));
  process.stdout.write(line('quiet key beside the noisy one (refused)', limited.beside));
  process.stdout.write(`    noisy key: ${noise(limited)}\n`);
  process.stdout.write(`  for comparison, no effective limit\n`);
  process.stdout.write(line('quiet key alone', unlimited.alone));
  process.stdout.write(line('quiet key beside the noisy one (all running)', unlimited.beside));
  process.stdout.write(`    noisy key: ${noise(unlimited)}\n`);
}

withTestInfrastructure(main).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
