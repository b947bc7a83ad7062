import { createHash } from 'node:crypto';
import {
  stderrLogger,
  type MessageProducer,
  type MessagingLogger,
  type OutgoingMessage,
} from '@platform/messaging';
import type { Pool, PoolClient } from 'pg';
import { assertCatalogEvent, eventCatalog, topicName, type CatalogEvent } from './catalog';
import { eventHeaders } from './envelope';
import { backoffDelay, errorMessage, Napper, truncate, type Backoff } from './internal';
import type { OutboxWakeups } from './outbox-wakeups';
import {
  activeEnvelopeTraceContext,
  envelopeContext,
  inSpan,
  messagingAttributes,
  SpanKind,
  type EnvelopeTraceContext,
} from './tracing';

/**
 * The transactional outbox. A service writes its events as rows in the same database transaction as the
 * state change they describe (`appendToOutbox`), so an event exists exactly when its change committed;
 * one relay per database (`startOutboxRelay`) publishes the rows to Kafka in order and marks them.
 */

/**
 * The two tables every service database has (each service copies them into its Prisma schema and
 * migrations; see the README). Not tenant-scoped: no row-level security; the application role has DML.
 */
export const OUTBOX_TABLES_SQL = `
CREATE TABLE "outbox_events" (
  "seq" BIGSERIAL NOT NULL,                 -- publish order
  "id" UUID NOT NULL,                       -- = the CloudEvent id
  "topic" TEXT NOT NULL,                    -- logical topic, e.g. crm.contact (the relay adds the prefix)
  "partition_key" TEXT NOT NULL,            -- Kafka key = aggregate id
  "event_type" TEXT NOT NULL,
  "payload" JSONB NOT NULL,                 -- the full CloudEvents envelope
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "published_at" TIMESTAMPTZ(3),
  "attempts" INTEGER NOT NULL DEFAULT 0,
  "last_error" TEXT,
  CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "outbox_events_seq_key" ON "outbox_events"("seq");
CREATE INDEX "outbox_events_published_at_seq_idx" ON "outbox_events"("published_at", "seq");
CREATE TABLE "processed_events" (
  "consumer_group" TEXT NOT NULL,
  "event_id" UUID NOT NULL,
  "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "processed_events_pkey" PRIMARY KEY ("consumer_group", "event_id")
);
`;

/**
 * What the outbox writer and the consumer runner need of a transaction: Prisma's interactive-transaction
 * client has this method (placeholders `$1`, `$2`, …; resolves to the number of rows affected).
 */
export interface SqlExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/**
 * Transactions that appended outbox rows, so the consumer runner can wake the relay after a handler's
 * transaction committed only when it wrote events (a wake-up for nothing costs the relay a batch).
 */
const appendedIn = new WeakMap<SqlExecutor, CatalogEvent[]>();

/** Whether `tx` appended outbox rows since the last call; forgets it (internal to the package). */
export function takeOutboxAppended(tx: SqlExecutor): boolean {
  return appendedIn.delete(tx);
}

/**
 * The events `tx` appended to the outbox so far (the service kit records an audit entry for each in the
 * same transaction).
 */
export function outboxEventsAppendedIn(tx: SqlExecutor): readonly CatalogEvent[] {
  return appendedIn.get(tx) ?? [];
}

/** Rows per INSERT statement; keeps the bind parameters far below PostgreSQL's 65535. */
const INSERT_CHUNK = 500;

/**
 * Writes events as outbox rows inside the caller's transaction: they commit or roll back with the state
 * change. Write them after the change itself, so the aggregate's row lock orders concurrent writers of one
 * aggregate and their rows get `seq` values in commit order. Every event is validated again here.
 * Written inside a traced operation, each envelope carries its trace context (`traceparent`), so the
 * relay's publish and the consumers' processing join that trace.
 */
export async function appendToOutbox(tx: SqlExecutor, events: readonly CatalogEvent[]): Promise<void> {
  for (const event of events) assertCatalogEvent(event);
  const traced = activeEnvelopeTraceContext();
  const envelopeOf = (event: CatalogEvent): CatalogEvent =>
    traced.traceparent && !event.traceparent ? { ...event, ...traced } : event;
  for (let start = 0; start < events.length; start += INSERT_CHUNK) {
    const chunk = events.slice(start, start + INSERT_CHUNK);
    const values: unknown[] = [];
    const rows = chunk.map((event) => {
      const base = values.length;
      values.push(
        event.id,
        eventCatalog[event.type].topic,
        event.subject,
        event.type,
        JSON.stringify(envelopeOf(event)),
      );
      return `($${base + 1}::uuid, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}::jsonb)`;
    });
    // One statement: PostgreSQL takes the rows' seq values in VALUES order.
    const inserted = await tx.$executeRawUnsafe(
      `INSERT INTO "outbox_events" ("id", "topic", "partition_key", "event_type", "payload") VALUES ${rows.join(', ')}`,
      ...values,
    );
    if (inserted !== chunk.length) {
      throw new Error(`outbox: inserted ${inserted} of ${chunk.length} rows`);
    }
  }
  if (events.length > 0) appendedIn.set(tx, [...(appendedIn.get(tx) ?? []), ...events]);
}

export interface PublishedBatch {
  /** Rows published by this batch. */
  count: number;
  /** Logical topics they went to. */
  topics: string[];
  /** Rows published by this batch per logical topic. */
  countsByTopic: Record<string, number>;
  /** From reading the rows to marking them published. */
  durationMs: number;
}

export interface OutboxRelayOptions {
  /** The service's pool, connected as its application role. The relay keeps one connection of it. */
  pool: Pool;
  producer: MessageProducer;
  /** Prepended to the rows' logical topics ('' in production). */
  topicPrefix?: string;
  logger?: MessagingLogger;
  /** Rows per batch (default 100). */
  batchSize?: number;
  /**
   * Wakes the relay when the service commits outbox rows (`createOutboxWakeups()`, the same object the
   * write path calls `notify()` on). Without it the relay only polls.
   */
  wakeups?: OutboxWakeups;
  /**
   * The fallback poll: wait after a batch that found fewer rows than batchSize (default 100 ms). While
   * polls find nothing the wait doubles up to maxIdlePollMs; rows found or a wake-up reset it.
   */
  pollIntervalMs?: number;
  /** The longest wait between polls while idle (default 2000 ms). */
  maxIdlePollMs?: number;
  /**
   * Names the relay in logs, and selects its advisory lock: relays with the same source on one database
   * take turns. Default 'outbox'.
   */
  source?: string;
  /** Backoff after a failed batch or a database error (default 250 ms doubling up to 30 s). */
  retry?: Partial<Backoff>;
  /**
   * How often a standby relay tries to take over the lock (default 5000 ms): the longest a failover
   * waits, at one statement per attempt.
   */
  standbyIntervalMs?: number;
  /** Called after each batch that published rows (metrics, benchmarks). */
  onPublished?: (batch: PublishedBatch) => void;
  /**
   * Published rows older than this are deleted by the active relay (default 7 days, like the topics'
   * retention; they serve investigations only). Set null to keep them.
   */
  retainPublishedMs?: number | null;
  /** How often the active relay deletes expired published rows (default every 60 s). */
  pruneIntervalMs?: number;
}

export interface OutboxRelay {
  /** Finishes the batch in flight, releases the lock and returns the connection. */
  stop(): Promise<void>;
  /**
   * Resolves once every row unpublished at the time of the call is published (by this relay or whichever
   * holds the lock); rejects after `timeoutMs` (default 30 s).
   */
  flush(options?: { timeoutMs?: number }): Promise<void>;
  /** Rows this relay has published since it started. */
  readonly publishedCount: number;
  /** Expired published rows this relay has deleted since it started. */
  readonly prunedCount: number;
  /** Whether this relay holds the lock (is the one publishing). */
  readonly active: boolean;
}

interface OutboxRow {
  id: string;
  topic: string;
  partition_key: string;
  event_type: string;
  /** The envelope as JSON text, published as it is. */
  payload: string;
  /** The envelope's trace context, read by PostgreSQL so the relay never parses a payload. */
  traceparent: string | null;
  tracestate: string | null;
}

/**
 * The oldest unpublished rows. Ordering by ("published_at", "seq") is ordering by seq here (published_at is
 * NULL in every row), and it lets PostgreSQL walk the ("published_at", "seq") index and stop after $1
 * entries. With `ORDER BY "seq"` alone it sorted every unpublished row or walked past every published one:
 * measured with 20 000 rows, 5–100 ms per batch instead of 0.2 ms: 1 300 events/s instead of 4 500–5 400.
 */
const SELECT_BATCH = `
SELECT "id", "topic", "partition_key", "event_type", "payload"::text AS "payload",
  "payload"->>'traceparent' AS "traceparent", "payload"->>'tracestate' AS "tracestate"
FROM "outbox_events"
WHERE "published_at" IS NULL
ORDER BY "published_at", "seq"
LIMIT $1
FOR UPDATE SKIP LOCKED`;

/**
 * A poll that is not expected to find rows starts with this single statement, instead of the batch's
 * three (BEGIN, SELECT … FOR UPDATE, COMMIT): an idle poll costs one index lookup and one round trip.
 */
const ANY_UNPUBLISHED = 'SELECT 1 FROM "outbox_events" WHERE "published_at" IS NULL LIMIT 1';

/**
 * Starts publishing outbox rows. Only the relay holding a session-level advisory lock on its own
 * connection publishes; others stand by and take over when it stops or its connection dies, so rows go
 * out in `seq` order even with several replicas. A row is marked published only after Kafka acknowledged
 * it (acks=all); a failed send leaves it unpublished with `attempts` and `last_error`, and the relay backs
 * off and tries again — rows are never skipped. A crash between the send and the mark publishes a row
 * again: delivery is at least once, and consumers deduplicate on the event id.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const {
    pool,
    producer,
    topicPrefix = '',
    logger = stderrLogger('warn'),
    batchSize = 100,
    wakeups,
    pollIntervalMs = 100,
    maxIdlePollMs = 2000,
    source = 'outbox',
    standbyIntervalMs = 5000,
    onPublished,
    retainPublishedMs = 7 * 24 * 60 * 60 * 1000,
    pruneIntervalMs = 60_000,
  } = options;
  const retry: Backoff = { initialDelayMs: 250, maxDelayMs: 30_000, ...options.retry };
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError('batchSize must be a positive integer');
  }
  // setTimeout fires at once for delays beyond 2^31 - 1 ms.
  if (!(pollIntervalMs > 0) || !(maxIdlePollMs >= pollIntervalMs) || maxIdlePollMs > 2 ** 31 - 1) {
    throw new RangeError('pollIntervalMs must be positive, maxIdlePollMs at least that and below 2^31 ms');
  }
  const idleBackoff: Backoff = { initialDelayMs: pollIntervalMs, maxDelayMs: maxIdlePollMs };
  const lockKey = advisoryLockKey(source);
  const napper = new Napper();
  // The relay's own connection: it holds the lock and runs the batches, so losing it loses both at once.
  let connection: PoolClient | null = null;
  let connectionBroken = false;
  let locked = false;
  let publishedCount = 0;
  let prunedCount = 0;
  let nextPruneAt = 0;
  // Set by a wake-up and cleared when a batch starts: a wake-up that arrives while a batch runs (its rows
  // may have committed after that batch's SELECT) makes the loop run one more batch instead of napping.
  let wakePending = false;
  // Only the idle nap is cut short by a wake-up, never the standby wait or a failure backoff (a wake-up
  // per commit must not turn a Kafka outage into a busy loop).
  let idleNapping = false;
  const unsubscribe =
    wakeups?.subscribe(() => {
      wakePending = true;
      if (idleNapping) napper.wake();
    }) ?? (() => undefined);

  async function connect(): Promise<PoolClient> {
    const client = await pool.connect();
    connectionBroken = false;
    // An idle checked-out client that loses its connection emits 'error'; without a listener that would
    // crash the process. The next query fails and the loop reconnects.
    client.on('error', (error) => {
      connectionBroken = true;
      logger.warn('outbox relay connection failed', { source, error: error.message });
    });
    return client;
  }

  /** Standby relays keep their connection and ask again every standbyIntervalMs. */
  async function tryLock(client: PoolClient): Promise<boolean> {
    const result = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1::bigint) AS "locked"',
      [lockKey],
    );
    if (result.rows[0]?.locked !== true) return false;
    logger.info('outbox relay active', { source });
    return true;
  }

  async function releaseConnection(): Promise<void> {
    const client = connection;
    connection = null;
    const wasLocked = locked;
    locked = false;
    if (!client) return;
    if (wasLocked && !connectionBroken) {
      try {
        // Closing the session would release the lock too; unlocking first lets a standby take over sooner.
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey]);
      } catch (error) {
        logger.debug('outbox relay unlock failed', { source, error: errorMessage(error) });
      }
    }
    // Destroyed, not returned: a session-level lock must never travel back into the pool.
    client.release(true);
  }

  /**
   * One batch; returns the number of rows it found, or 'failed' when a send failed. With `probe`, it first
   * checks in one statement whether there is anything to publish and returns 0 when not.
   */
  async function publishBatch(client: PoolClient, probe: boolean): Promise<number | 'failed'> {
    if (probe && (await client.query(ANY_UNPUBLISHED)).rowCount === 0) return 0;
    const started = Date.now();
    await client.query('BEGIN');
    try {
      const { rows } = await client.query<OutboxRow>(SELECT_BATCH, [batchSize]);
      if (rows.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      // Rows keep their seq order within each topic, so each key's events go out in order.
      const byTopic = new Map<string, OutboxRow[]>();
      for (const row of rows) {
        const group = byTopic.get(row.topic);
        if (group) group.push(row);
        else byTopic.set(row.topic, [row]);
      }
      // The producer sends overlapping calls one after another, in call order.
      const outcomes = await Promise.all(
        [...byTopic].map(async ([topic, group]) => {
          try {
            await publishTraced(topicName(topic, topicPrefix), group);
            return { topic, group, error: null };
          } catch (error: unknown) {
            return { topic, group, error: errorMessage(error) };
          }
        }),
      );
      const sent: string[] = [];
      for (const { topic, group, error } of outcomes) {
        const ids = group.map((row) => row.id);
        if (error === null) {
          sent.push(...ids);
          continue;
        }
        logger.error('outbox relay could not publish; the rows stay unpublished and are retried', {
          source,
          topic: topicName(topic, topicPrefix),
          rows: ids.length,
          error,
        });
        await client.query(
          'UPDATE "outbox_events" SET "attempts" = "attempts" + 1, "last_error" = $2 WHERE "id" = ANY($1::uuid[])',
          [ids, truncate(error, 2000)],
        );
      }
      // Topics whose send succeeded are marked even when another failed: re-sending them would only
      // duplicate, and their order does not depend on the failed topic's rows.
      if (sent.length > 0) {
        await client.query('UPDATE "outbox_events" SET "published_at" = now() WHERE "id" = ANY($1::uuid[])', [
          sent,
        ]);
      }
      await client.query('COMMIT');
      if (sent.length > 0) {
        publishedCount += sent.length;
        const published = outcomes.filter((outcome) => outcome.error === null);
        onPublished?.({
          count: sent.length,
          topics: published.map((outcome) => outcome.topic),
          countsByTopic: Object.fromEntries(
            published.map((outcome) => [outcome.topic, outcome.group.length]),
          ),
          durationMs: Date.now() - started,
        });
      }
      return sent.length < rows.length ? 'failed' : rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /**
   * Sends one topic's rows in one call, inside a producer span per trace the rows belong to (a batch
   * of one request's events is one span, a batch mixing several requests' events a span in each trace).
   */
  async function publishTraced(topic: string, rows: readonly OutboxRow[]): Promise<void> {
    const byTrace = new Map<string, EnvelopeTraceContext>();
    const counts = new Map<string, number>();
    for (const row of rows) {
      const key = row.traceparent ?? '';
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (!byTrace.has(key)) {
        byTrace.set(key, {
          ...(row.traceparent ? { traceparent: row.traceparent } : {}),
          ...(row.tracestate ? { tracestate: row.tracestate } : {}),
        });
      }
    }
    const send = () => producer.send(topic, rows.map(toMessage));
    // Each span wraps the one send: nested, so every span's duration is the send's.
    const traced = [...byTrace].reduce<() => Promise<void>>(
      (inner, [key, carried]) =>
        () =>
          inSpan(
            `publish ${topic}`,
            SpanKind.PRODUCER,
            envelopeContext(carried),
            messagingAttributes(topic, 'send', {
              'messaging.batch.message_count': counts.get(key) ?? 0,
              'platform.outbox.source': source,
            }),
            inner,
          ),
      send,
    );
    await traced();
  }

  /** Deletes expired published rows, a bounded chunk at a time so no statement runs long. */
  async function prune(client: PoolClient): Promise<void> {
    if (retainPublishedMs === null || Date.now() < nextPruneAt) return;
    nextPruneAt = Date.now() + pruneIntervalMs;
    for (;;) {
      const result = await client.query(PRUNE_PUBLISHED, [retainPublishedMs / 1000]);
      prunedCount += result.rowCount ?? 0;
      if ((result.rowCount ?? 0) < PRUNE_CHUNK || napper.isClosed) return;
    }
  }

  /** Waits for the next poll; a wake-up that arrived since the last batch started skips the wait. */
  async function idleNap(ms: number): Promise<void> {
    if (wakePending) return;
    idleNapping = true;
    try {
      await napper.nap(ms);
    } finally {
      idleNapping = false;
    }
  }

  async function run(): Promise<void> {
    let failures = 0;
    // Consecutive polls that found nothing; the fallback poll interval doubles with each.
    let emptyPolls = 0;
    let previousFull = false;
    while (!napper.isClosed) {
      try {
        connection ??= await connect();
        locked ||= await tryLock(connection);
        if (!locked) {
          await napper.nap(standbyIntervalMs);
          continue;
        }
        const woken = wakePending;
        wakePending = false;
        // A wake-up or a full previous batch means rows are likely waiting: go straight to the batch.
        const found = await publishBatch(connection, !woken && !previousFull);
        if (found === 'failed') {
          failures += 1;
          previousFull = false;
          await napper.nap(backoffDelay(failures, retry));
          continue;
        }
        failures = 0;
        previousFull = found >= batchSize;
        if (previousFull) continue;
        emptyPolls = found > 0 || woken ? 0 : emptyPolls + 1;
        await prune(connection);
        await idleNap(backoffDelay(emptyPolls + 1, idleBackoff));
      } catch (error) {
        // The database failed (connection lost, server restarting): drop the connection, which also
        // drops the lock, and start over after a backoff.
        failures += 1;
        previousFull = false;
        logger.error('outbox relay database error', { source, error: errorMessage(error) });
        connectionBroken = true;
        await releaseConnection();
        await napper.nap(backoffDelay(failures, retry));
      }
    }
    unsubscribe();
    await releaseConnection();
  }

  const running = run();

  return {
    get publishedCount() {
      return publishedCount;
    },
    get prunedCount() {
      return prunedCount;
    },
    get active() {
      return locked;
    },
    async stop() {
      napper.close();
      await running;
    },
    async flush({ timeoutMs = 30_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      const { rows } = await pool.query<{ last: string | null }>(
        'SELECT max("seq")::text AS "last" FROM "outbox_events" WHERE "published_at" IS NULL',
      );
      const last = rows[0]?.last ?? null;
      if (last === null) return;
      for (;;) {
        napper.wake();
        const pending = await pool.query(
          'SELECT 1 FROM "outbox_events" WHERE "published_at" IS NULL AND "seq" <= $1::bigint LIMIT 1',
          [last],
        );
        if (pending.rowCount === 0) return;
        if (Date.now() > deadline) {
          throw new Error(
            `outbox relay flush: rows up to seq ${last} still unpublished after ${timeoutMs} ms`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(pollIntervalMs, 50)));
      }
    },
  };
}

const PRUNE_CHUNK = 1000;

const PRUNE_PUBLISHED = `
DELETE FROM "outbox_events"
WHERE "id" IN (
  SELECT "id" FROM "outbox_events"
  WHERE "published_at" < now() - make_interval(secs => $1::double precision)
  LIMIT ${PRUNE_CHUNK}
)`;

function toMessage(row: OutboxRow): OutgoingMessage {
  return { key: row.partition_key, value: row.payload, headers: eventHeaders(row.event_type, row.id) };
}

/** A stable 64-bit advisory lock key per relay source (signed, as pg_try_advisory_lock takes it). */
function advisoryLockKey(source: string): string {
  const digest = createHash('sha256').update(`platform.outbox-relay:${source}`).digest();
  return digest.readBigInt64BE(0).toString();
}
