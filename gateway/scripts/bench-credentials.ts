/**
 * The edge's cost of a credential: requests per second and latency of `{ me { id } }` through the
 * gateway, once with an access token (JWT) and once with an API key, side by side in one run on the same
 * platform (the five services and the gateway in this process, real PostgreSQL and Kafka). After a
 * warm-up both take their cached paths: a verified JWT and its principal, or an API key's principal.
 * Prints numbers, asserts none.
 *
 *   pnpm --filter @platform/gateway bench:credentials [-- --seconds 10 --concurrency 16]
 */
import { performance } from 'node:perf_hooks';
import { postGraphQL } from '@platform/service-kit/testing';
import { withTestInfrastructure } from '@platform/testing';
import { startTestPlatform } from '../test/e2e/platform';
import { seeds } from '../test/e2e/seed';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const SECONDS = option('seconds', 10);
const CONCURRENCY = option('concurrency', 16);
const QUERY = '{ me { id } }';

async function measure(url: string, headers: Record<string, string>, seconds: number) {
  const latencies: number[] = [];
  let failures = 0;
  const deadline = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      const result = await postGraphQL(url, QUERY, {}, headers);
      latencies.push(performance.now() - started);
      if (result.status !== 200 || result.errors) failures += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  latencies.sort((a, b) => a - b);
  const at = (fraction: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * fraction))] ?? 0;
  return {
    requests: latencies.length,
    perSecond: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    failures,
  };
}

async function main(): Promise<void> {
  const platform = await startTestPlatform();
  try {
    const { admin } = await seeds(platform).organization('Bench');
    const created = await admin.run<{ createApiKey: { secret: string } }>(
      `mutation { createApiKey(input: { name: "bench", scopes: ["users:read"] }) { secret } }`,
    );
    const credentials = {
      'access token (JWT)': { authorization: `Bearer ${admin.accessToken}` },
      'API key': { 'x-api-key': created.createApiKey.secret },
    };
    const url = platform.gateway.graphqlUrl;
    for (const headers of Object.values(credentials)) await measure(url, headers, 2);
    process.stdout.write(
      `{ me { id } } through the gateway, ${CONCURRENCY} concurrent clients, ${SECONDS} s each\n`,
    );
    // Two rounds, alternating, so neither credential always runs on a warmer process.
    const rows: Array<[string, Awaited<ReturnType<typeof measure>>]> = [];
    for (let round = 0; round < 2; round += 1) {
      for (const [name, headers] of Object.entries(credentials))
        rows.push([name, await measure(url, headers, SECONDS / 2)]);
    }
    for (const name of Object.keys(credentials)) {
      const mine = rows.filter(([row]) => row === name).map(([, result]) => result);
      const requests = mine.reduce((sum, result) => sum + result.requests, 0);
      const p50 = Math.max(...mine.map((result) => result.p50));
      const p99 = Math.max(...mine.map((result) => result.p99));
      const failures = mine.reduce((sum, result) => sum + result.failures, 0);
      process.stdout.write(
        `  ${name.padEnd(20)} ${(requests / SECONDS).toFixed(0).padStart(6)} req/s   p50 ${p50.toFixed(1)} ms   p99 ${p99.toFixed(1)} ms   failures ${failures}\n`,
      );
    }
  } finally {
    await platform.close();
  }
}

withTestInfrastructure(main).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
