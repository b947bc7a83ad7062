import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { isUuid } from '@platform/domain';
import { createEvent, toKafkaMessage, topicName } from '@platform/events';
import type { MessageProducer } from '@platform/messaging';
import type { Logger, OutboxBacklog, RequestContext, ServiceMetrics } from '@platform/service-kit';
import { Pool, type PoolClient } from 'pg';
import { v5 as uuidv5 } from 'uuid';

/**
 * API calls metered at the edge, for billing, aggregated: never one event per request. Every GraphQL
 * operation the gateway executes for an organization (a user's or an API key's; requests refused before
 * execution are not calls) is counted in this replica's memory under its window (60 s by default). Every
 * few seconds the replica adds its counts to its own row per (organization, window) in the gateway's
 * PostgreSQL — the database the rate limits use — and, once a window has closed, publishes one
 * `gateway.api_calls.counted.v1` per row with the row's total, then marks the total published. The event
 * id is UUID v5 of (organization, window, replica, total): publishing the same total again (a crash
 * between the send and the mark) is deduplicated by consumers, and a total that grew after it was
 * published (a late write) goes out again under a new id, the consumer counting the difference.
 *
 * A replica that stops publishes its rows, the open window's included. Rows a replica left behind (it
 * crashed) are published by any replica once their window ended `orphanAfterMs` ago; rows are claimed
 * with `FOR UPDATE SKIP LOCKED`, so replicas never publish a row at the same time. What a crash loses is
 * what was counted since the last flush. Published rows are kept a day (KEEP_PUBLISHED_MS), then
 * deleted. Without a database the counts wait in memory until their window closes (one replica,
 * development).
 */

export const API_CALLS_TOPIC = 'gateway.api_calls';
/** The table of counts (the gateway creates it when it starts: it owns its database). */
export const API_CALLS_TABLE = 'gateway_api_calls';
/** Namespace of the event ids (UUID v5): fixed, so every replica derives the same id from the same row. */
export const API_CALLS_EVENT_NAMESPACE = '6f1c0b7e-3d5a-4e8f-9b2c-7a4d1e6f3c90';

export interface ApiUsageOptions {
  /** Length of a counting window in seconds (default 60). */
  windowSeconds?: number;
  /** How often the counts are stored and closed windows published, in ms (default 5,000). */
  flushIntervalMs?: number;
  /** How long after a window ended another replica's unpublished rows are published, in ms (default 5 min). */
  orphanAfterMs?: number;
  /** The gateway's PostgreSQL database; without it counts live in this process only. */
  databaseUrl?: string;
}

export const DEFAULT_API_USAGE = { windowSeconds: 60, flushIntervalMs: 5_000, orphanAfterMs: 300_000 };

/** What one replica counted for one organization in one window. */
export interface WindowCount {
  organizationId: string;
  /** Epoch milliseconds. */
  windowStart: number;
  windowSeconds: number;
  replicaId: string;
  calls: number;
}

/** Counts operations per organization and window, in memory (the plugin calls `count`). */
export interface ApiCallTally {
  readonly windowSeconds: number;
  count(organizationId: string): void;
  /** The counts taken since the last drain, forgotten here. */
  drain(): Array<Omit<WindowCount, 'replicaId'>>;
}

export function createApiCallTally(windowSeconds: number, now: () => number = Date.now): ApiCallTally {
  const windowMs = windowSeconds * 1000;
  let pending = new Map<string, { organizationId: string; windowStart: number; calls: number }>();
  return {
    windowSeconds,
    count(organizationId) {
      // Organizations are UUIDs; a principal without one (tests of the edge alone) is not metered.
      if (!isUuid(organizationId)) return;
      const windowStart = Math.floor(now() / windowMs) * windowMs;
      const key = `${organizationId}@${windowStart}`;
      const entry = pending.get(key);
      if (entry) entry.calls += 1;
      else pending.set(key, { organizationId, windowStart, calls: 1 });
    },
    drain() {
      const drained = [...pending.values()].map((entry) => ({ ...entry, windowSeconds }));
      pending = new Map();
      return drained;
    },
  };
}

/** Counts every operation that reaches execution, for the organization it runs in. */
export function apiCallsPlugin(tally: ApiCallTally): ApolloServerPlugin<RequestContext> {
  return {
    requestDidStart() {
      return Promise.resolve({
        executionDidStart({ contextValue }) {
          const organizationId = contextValue.auth.organizationId;
          if (organizationId !== null) tally.count(organizationId);
          return Promise.resolve();
        },
      });
    },
  };
}

/** The event of a row's total; its id is derived from the row and the total. */
export function apiCallsCounted(row: WindowCount, now: Date) {
  const windowStart = new Date(row.windowStart).toISOString();
  return createEvent('gateway.api_calls.counted.v1', {
    id: uuidv5(
      `${row.organizationId}|${windowStart}|${row.replicaId}|${row.calls}`,
      API_CALLS_EVENT_NAMESPACE,
    ),
    source: '/gateway',
    subject: row.organizationId,
    tenantId: row.organizationId,
    time: now,
    data: {
      organizationId: row.organizationId,
      windowStart,
      windowEnd: new Date(row.windowStart + row.windowSeconds * 1000).toISOString(),
      replicaId: row.replicaId,
      calls: row.calls,
    },
  });
}

/** Where a replica keeps its counts until they are published. */
interface CountStore {
  add(rows: readonly WindowCount[]): Promise<void>;
  /**
   * Publishes the rows due at `now` (with `everythingOwn`, all of this replica's, open windows too) and
   * marks them; returns how many. A failed publish marks nothing: the rows are due again next time.
   */
  publishDue(
    now: number,
    everythingOwn: boolean,
    publish: (rows: WindowCount[]) => Promise<void>,
  ): Promise<number>;
  /**
   * The rows due and not yet published at `now` (their window has closed; every replica's): how many,
   * and how long since the oldest one's window closed.
   */
  backlog(now: number): Promise<OutboxBacklog>;
  close(): Promise<void>;
}

/** One entry per (organization, window, replica): a statement may touch each row once. */
function mergeCounts(counts: readonly WindowCount[]): WindowCount[] {
  const merged = new Map<string, WindowCount>();
  for (const count of counts) {
    const key = `${count.organizationId}@${count.windowStart}@${count.replicaId}`;
    const entry = merged.get(key);
    if (entry) entry.calls += count.calls;
    else merged.set(key, { ...count });
  }
  return [...merged.values()];
}

const windowEnd = (row: { windowStart: number; windowSeconds: number }) =>
  row.windowStart + row.windowSeconds * 1000;

/**
 * How long a published row is kept: a count stored late (after its window was published) must find the
 * row and its total, or the consumer, which keeps the latest total per row, would count only the late
 * calls. Late counts arrive within a flush or two; a day is far beyond that.
 */
export const KEEP_PUBLISHED_MS = 86_400_000;

function memoryStore(replicaId: string): CountStore {
  const rows = new Map<string, { row: WindowCount; published: number }>();
  return {
    add(counts) {
      for (const count of counts) {
        const key = `${count.organizationId}@${count.windowStart}`;
        const entry = rows.get(key);
        if (entry) entry.row.calls += count.calls;
        else rows.set(key, { row: { ...count, replicaId }, published: 0 });
      }
      return Promise.resolve();
    },
    async publishDue(now, everythingOwn, publish) {
      const due = [...rows.values()].filter(
        (entry) => entry.row.calls > entry.published && (everythingOwn || windowEnd(entry.row) <= now),
      );
      if (due.length === 0) return 0;
      await publish(due.map((entry) => ({ ...entry.row })));
      for (const entry of due) entry.published = entry.row.calls;
      for (const [key, entry] of rows) {
        if (entry.published === entry.row.calls && windowEnd(entry.row) <= now - KEEP_PUBLISHED_MS)
          rows.delete(key);
      }
      return due.length;
    },
    backlog(now) {
      const waiting = [...rows.values()].filter(
        (entry) => entry.row.calls > entry.published && windowEnd(entry.row) <= now,
      );
      const oldestEnd = Math.min(...waiting.map((entry) => windowEnd(entry.row)));
      return Promise.resolve({
        events: waiting.length,
        oldestAgeSeconds: waiting.length === 0 ? 0 : Math.max(0, (now - oldestEnd) / 1000),
      });
    },
    close: () => Promise.resolve(),
  };
}

/** Rows claimed per publication (one Kafka batch). */
const PUBLISH_BATCH = 500;

async function postgresStore(
  databaseUrl: string,
  replicaId: string,
  orphanAfterMs: number,
  logger: Logger,
): Promise<CountStore> {
  const pool = new Pool({ connectionString: databaseUrl, max: 2, application_name: 'gateway api calls' });
  pool.on('error', (error) => logger.warn({ err: error }, 'API call database connection failed'));
  try {
    // A logged table, unlike the rate limits': these counts are what billing meters.
    await pool.query(
      `CREATE TABLE IF NOT EXISTS "${API_CALLS_TABLE}" (
         organization_id uuid NOT NULL,
         window_start timestamptz NOT NULL,
         window_seconds integer NOT NULL,
         replica_id uuid NOT NULL,
         calls bigint NOT NULL,
         published_calls bigint NOT NULL DEFAULT 0,
         updated_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (organization_id, window_start, replica_id)
       );
       CREATE INDEX IF NOT EXISTS "${API_CALLS_TABLE}_unpublished_idx"
         ON "${API_CALLS_TABLE}" (window_start) WHERE calls > published_calls;
       CREATE INDEX IF NOT EXISTS "${API_CALLS_TABLE}_window_start_idx" ON "${API_CALLS_TABLE}" (window_start);`,
    );
  } catch (error) {
    await pool.end();
    throw new Error('cannot create the API call table in the gateway database', { cause: error });
  }
  const inTransaction = async <T>(work: (client: PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  return {
    async add(counts) {
      if (counts.length === 0) return;
      // One statement for the whole flush: the rows as arrays, added to what each row holds.
      await pool.query(
        `INSERT INTO "${API_CALLS_TABLE}" (organization_id, window_start, window_seconds, replica_id, calls)
         SELECT organization_id, to_timestamp(window_start / 1000.0), window_seconds, $4::uuid, calls
           FROM unnest($1::uuid[], $2::bigint[], $3::int[], $5::bigint[])
             AS counted(organization_id, window_start, window_seconds, calls)
         ON CONFLICT (organization_id, window_start, replica_id)
         DO UPDATE SET calls = "${API_CALLS_TABLE}".calls + EXCLUDED.calls, updated_at = now()`,
        [
          counts.map((count) => count.organizationId),
          counts.map((count) => count.windowStart),
          counts.map((count) => count.windowSeconds),
          replicaId,
          counts.map((count) => count.calls),
        ],
      );
    },
    publishDue(now, everythingOwn, publish) {
      return inTransaction(async (client) => {
        // Rows published long ago are done (see KEEP_PUBLISHED_MS).
        await client.query(
          `DELETE FROM "${API_CALLS_TABLE}"
            WHERE window_start < to_timestamp($1::bigint / 1000.0) AND calls = published_calls`,
          [now - KEEP_PUBLISHED_MS],
        );
        const { rows } = await client.query<{
          organization_id: string;
          window_start: string;
          window_seconds: number;
          replica_id: string;
          calls: string;
        }>(
          `SELECT organization_id, (extract(epoch FROM window_start) * 1000)::bigint::text AS window_start,
                  window_seconds, replica_id, calls::text AS calls
             FROM "${API_CALLS_TABLE}"
            WHERE calls > published_calls
              AND ((replica_id = $1::uuid
                    AND ($3 OR window_start + window_seconds * interval '1 second' <= to_timestamp($2 / 1000.0)))
                OR window_start + window_seconds * interval '1 second' <= to_timestamp(($2 - $4) / 1000.0))
            ORDER BY window_start
            LIMIT ${PUBLISH_BATCH}
              FOR UPDATE SKIP LOCKED`,
          [replicaId, now, everythingOwn, orphanAfterMs],
        );
        if (rows.length === 0) return 0;
        const due = rows.map((row): WindowCount => ({
          organizationId: row.organization_id,
          windowStart: Number(row.window_start),
          windowSeconds: row.window_seconds,
          replicaId: row.replica_id,
          calls: Number(row.calls),
        }));
        await publish(due);
        // The rows are locked: their totals are still the ones just published.
        await client.query(
          `UPDATE "${API_CALLS_TABLE}" AS counted SET published_calls = published.calls
             FROM unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::bigint[])
               AS published(organization_id, window_start, replica_id, calls)
            WHERE counted.organization_id = published.organization_id
              AND counted.window_start = to_timestamp(published.window_start / 1000.0)
              AND counted.replica_id = published.replica_id`,
          [
            due.map((row) => row.organizationId),
            due.map((row) => row.windowStart),
            due.map((row) => row.replicaId),
            due.map((row) => row.calls),
          ],
        );
        return due.length;
      });
    },
    async backlog(now) {
      const { rows } = await pool.query<{ events: number; oldest_age_seconds: number }>(
        `SELECT count(*)::int AS events,
                coalesce(extract(epoch FROM to_timestamp($1::bigint / 1000.0)
                  - min(window_start + window_seconds * interval '1 second')), 0)::float8 AS oldest_age_seconds
           FROM "${API_CALLS_TABLE}"
          WHERE calls > published_calls
            AND window_start + window_seconds * interval '1 second' <= to_timestamp($1::bigint / 1000.0)`,
        [now],
      );
      const row = rows[0];
      return { events: row?.events ?? 0, oldestAgeSeconds: Math.max(0, row?.oldest_age_seconds ?? 0) };
    },
    close: () => pool.end(),
  };
}

export interface ApiUsageMeter {
  readonly replicaId: string;
  /** Stores what was counted and publishes the windows due (the timer calls it; tests may too). */
  flush(): Promise<void>;
  /** Stops the timer, stores what was counted and publishes all of this replica's rows. */
  close(): Promise<void>;
}

/** Starts storing and publishing what `tally` counts. */
export async function startApiUsageMeter(options: {
  tally: ApiCallTally;
  producer: MessageProducer;
  topicPrefix: string;
  logger: Logger;
  usage?: Omit<ApiUsageOptions, 'windowSeconds'>;
  now?: () => number;
  /**
   * Where the counts waiting to be published show, under the services' outbox series: the stored rows
   * as the backlog (sampled at scrape time), each published event under `outbox_published_events_total`.
   */
  metrics?: ServiceMetrics;
}): Promise<ApiUsageMeter> {
  const { tally, producer, logger } = options;
  const now = options.now ?? Date.now;
  const flushIntervalMs = options.usage?.flushIntervalMs ?? DEFAULT_API_USAGE.flushIntervalMs;
  const orphanAfterMs = options.usage?.orphanAfterMs ?? DEFAULT_API_USAGE.orphanAfterMs;
  const replicaId = randomUUID();
  const store = options.usage?.databaseUrl
    ? await postgresStore(options.usage.databaseUrl, replicaId, orphanAfterMs, logger)
    : memoryStore(replicaId);
  const topic = topicName(API_CALLS_TOPIC, options.topicPrefix);
  const publish = async (rows: WindowCount[]) => {
    const startedAt = performance.now();
    const at = new Date(now());
    await producer.send(
      topic,
      rows.map((row) => toKafkaMessage(apiCallsCounted(row, at))),
    );
    options.metrics?.recordOutboxPublished({
      count: rows.length,
      topics: [API_CALLS_TOPIC],
      countsByTopic: { [API_CALLS_TOPIC]: rows.length },
      durationMs: performance.now() - startedAt,
    });
  };
  options.metrics?.observeOutbox(() => store.backlog(now()));

  // Counts drained but not stored yet (the database failed): stored with the next flush.
  let unsaved: WindowCount[] = [];
  async function flushOnce(everythingOwn: boolean): Promise<void> {
    // "Now" is read before draining: every count of a window closed by then is in this drain.
    const at = now();
    unsaved = mergeCounts([...unsaved, ...tally.drain().map((count) => ({ ...count, replicaId }))]);
    await store.add(unsaved);
    unsaved = [];
    while ((await store.publishDue(at, everythingOwn, publish)) === PUBLISH_BATCH) {
      // A full batch: more may be due.
    }
  }

  // One flush at a time: the timer's and an explicit one queue up behind each other.
  let running: Promise<void> = Promise.resolve();
  const flush = (everythingOwn = false): Promise<void> => {
    // A failed flush does not stop the ones queued after it.
    running = running.catch(() => undefined).then(() => flushOnce(everythingOwn));
    return running;
  };
  const timer = setInterval(() => {
    flush().catch((error: unknown) => {
      // The counts stay in the store (or are re-added): the next flush tries again.
      logger.warn({ err: error }, 'could not store or publish API call counts');
    });
  }, flushIntervalMs);
  timer.unref();

  return {
    replicaId,
    flush: () => flush(),
    async close() {
      clearInterval(timer);
      await running.catch(() => undefined);
      try {
        await flush(true);
      } finally {
        await store.close();
      }
    },
  };
}
