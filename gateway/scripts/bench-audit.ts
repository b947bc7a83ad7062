/**
 * The audit trail's figures: how long after a write its entry is in identity's trail (the write's
 * commit → outbox relay → Kafka → identity's consumer → the chained row), what a write costs end to end
 * with its entry, and how long verifying an organization's chain takes. The five services and the
 * gateway in this process, real PostgreSQL and Kafka. Prints numbers, asserts none.
 *
 *   pnpm --filter @platform/gateway bench:audit [-- --writes 200]
 */
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { withTestInfrastructure } from '@platform/testing';
import { startTestPlatform } from '../test/e2e/platform';
import { seeds } from '../test/e2e/seed';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const WRITES = option('writes', 200);

const percentile = (sorted: readonly number[], fraction: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;

async function main(): Promise<void> {
  const platform = await startTestPlatform();
  const identityDb = platform.databases.identity;
  // As the superuser: the trail's rows of every organization, without a tenant setting.
  const trail = new Client({
    connectionString: identityDb.superuserUrl,
  });
  await trail.connect();
  try {
    const { admin } = await seeds(platform).organization('AuditBench');
    const stored = async (entityId: string) =>
      (await trail.query('select 1 from audit_events where entity_id = $1', [entityId])).rowCount === 1;
    const writes: number[] = [];
    const arrivals: number[] = [];
    for (let index = 0; index < WRITES; index += 1) {
      const started = performance.now();
      const { id } = await admin.contact();
      const written = performance.now();
      writes.push(written - started);
      while (!(await stored(id))) await new Promise((resolve) => setTimeout(resolve, 2));
      arrivals.push(performance.now() - written);
    }
    writes.sort((a, b) => a - b);
    arrivals.sort((a, b) => a - b);
    const started = performance.now();
    const verified = await admin.run<{ verifyAuditChain: { valid: boolean; checkedCount: number } }>(
      `{ verifyAuditChain { valid checkedCount } }`,
    );
    const verifyMs = performance.now() - started;
    const line = (label: string, sorted: number[]) =>
      `  ${label.padEnd(38)} p50 ${percentile(sorted, 0.5).toFixed(1)} ms   p99 ${percentile(sorted, 0.99).toFixed(1)} ms   max ${(sorted.at(-1) ?? 0).toFixed(1)} ms\n`;
    process.stdout.write(
      `audit trail, ${WRITES} createContact writes one after another through the gateway\n`,
    );
    process.stdout.write(line('createContact (with its audit entry)', writes));
    process.stdout.write(line('write answered → entry in the trail', arrivals));
    process.stdout.write(
      `  verifyAuditChain over ${verified.verifyAuditChain.checkedCount} entries: ${verifyMs.toFixed(0)} ms (valid: ${verified.verifyAuditChain.valid})\n`,
    );
  } finally {
    await trail.end();
    await platform.close();
  }
}

withTestInfrastructure(main).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
