/**
 * The partition job: keeps the month of now and MONTHS_AHEAD months after it as partitions of
 * `messages` (ensure_message_partitions, a SECURITY DEFINER function of the migration: the application
 * role may not create tables). Idempotent (CREATE TABLE IF NOT EXISTS), so every replica may run it.
 */
import type { Logger } from '@platform/service-kit';

/** Months created ahead of the current one. */
export const MONTHS_AHEAD = 2;

/** What the job needs of the database: a raw query. */
export interface PartitionDatabase {
  $queryRaw<T>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
}

/** One pass: answers how many partitions it created (0 when they all existed). */
export async function ensureMessagePartitions(
  database: PartitionDatabase,
  now: Date,
  monthsAhead: number = MONTHS_AHEAD,
): Promise<number> {
  const [row] = await database.$queryRaw<Array<{ created: number }>>`
    SELECT ensure_message_partitions(${now}::timestamptz, ${monthsAhead}::int) AS created`;
  return row?.created ?? 0;
}

/** The job as a kit job: a pass at start, then one every `intervalMs` (stopped first when the service closes). */
export function startMessagePartitionJob(
  database: PartitionDatabase,
  options: { intervalMs: number; logger: Logger; clock?: () => Date },
): { stop(): Promise<void> } {
  const clock = options.clock ?? (() => new Date());
  let running: Promise<void> | null = null;
  let stopped = false;
  const pass = () => {
    if (stopped || running) return;
    running = ensureMessagePartitions(database, clock())
      .then((created) => {
        if (created > 0) options.logger.info({ created }, 'message partitions created ahead');
      })
      .catch((error: unknown) => options.logger.error({ err: error }, 'message partition job: a pass failed'))
      .finally(() => {
        running = null;
      });
  };
  pass();
  const timer = setInterval(pass, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (running) await running;
    },
  };
}
