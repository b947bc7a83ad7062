/**
 * The retention job. A pass, under a lease so one replica runs at a time:
 * 1. asks the database which organizations have messages past their retention, by month
 *    (message_retention_due: counts only, the one cross-tenant door);
 * 2. for each such organization and month, reads the rows in the organization's tenant transaction,
 *    merges them into the month's archive object (gzip JSON Lines; an archive already there keeps its
 *    rows), stores it, and only then, in one tenant transaction, upserts the archive row, deletes the
 *    archived rows (and their message_keys), brings the conversations' counters down and appends
 *    conversations.storage_object.changed.v1;
 * 3. drops the monthly partitions older than the longest retention in use that no organization has
 *    rows in (drop_message_partition, which checks again under a lock).
 * Dying between storing and deleting is harmless: the next pass finds the rows again, merges them into
 * the stored archive by id (no duplicates) and finishes. One organization's failure is logged and does
 * not stop the others.
 */
import { randomUUID } from 'node:crypto';
import type { Logger, TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { ObjectStorage } from '../../storage/domain/object-storage';
import { lockStorageQuota } from '../../storage/infra/storage-use';
import {
  archiveKey,
  archiveSlice,
  archiveStoredEvent,
  droppablePartitions,
  periodName,
  retentionCutoff,
  type MessageArchive,
} from '../domain/retention';
import { decodeArchive, encodeArchive, mergeArchivedRows, type ArchivedRow } from './archive-codec';
import { toMessageArchive } from './message-archive-repository';

const LEASE = 'message_retention';
const LEASE_MS = 15 * 60 * 1000;

/** What the job needs of the database outside a tenant: raw queries (the lease, the owner-side functions). */
export interface RetentionDatabase {
  $queryRaw<T>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}

export interface RetentionDependencies {
  database: RetentionDatabase;
  tenants: TenantDatabase<Prisma.TransactionClient>;
  storage: ObjectStorage;
  logger: Logger;
}

export interface RetentionPassResult {
  /** False when another replica holds the lease (nothing was done). */
  ran: boolean;
  archived: Array<{ organizationId: string; period: string; messages: number; archive: MessageArchive }>;
  /** Months whose partition was dropped (`2019-07`). */
  droppedPartitions: string[];
  /** Organizations and months that failed (logged; due again on the next pass). */
  failed: Array<{ organizationId: string; period: string }>;
}

interface DueRow {
  due_organization_id: string;
  due_period: Date;
  due_retention_days: number;
  due_count: bigint;
}

/** One pass at `now` (the job's clock; the lease runs on the database's). */
export async function runRetentionPass(
  dependencies: RetentionDependencies,
  now: Date = new Date(),
): Promise<RetentionPassResult> {
  const { database, logger } = dependencies;
  const holder = randomUUID();
  const result: RetentionPassResult = { ran: false, archived: [], droppedPartitions: [], failed: [] };
  if (!(await takeLease(database, holder))) return result;
  result.ran = true;
  try {
    const due = await database.$queryRaw<DueRow[]>`SELECT * FROM message_retention_due(${now}::timestamptz)`;
    for (const row of due) {
      const organizationId = row.due_organization_id;
      const period = periodName(row.due_period);
      if (!(await renewLease(database, holder))) {
        logger.warn({ organizationId, period }, 'retention: lost the lease; stopping this pass');
        return result;
      }
      try {
        const cutoff = retentionCutoff(now, row.due_retention_days);
        const archived = await archiveMonth(dependencies, organizationId, row.due_period, cutoff, now);
        if (archived) result.archived.push({ organizationId, period, ...archived });
      } catch (error) {
        result.failed.push({ organizationId, period });
        logger.error({ err: error, organizationId, period }, 'retention: archiving a month failed');
      }
    }
    const [longest] = await database.$queryRaw<
      Array<{ days: number }>
    >`SELECT longest_message_retention() AS days`;
    const partitions = await database.$queryRaw<Array<{ name: string }>>`
      SELECT c.relname AS name FROM pg_catalog.pg_inherits i
      JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'public.messages'::regclass`;
    for (const month of droppablePartitions(
      partitions.map((partition) => partition.name),
      now,
      longest?.days ?? Number.POSITIVE_INFINITY,
    )) {
      const [dropped] = await database.$queryRaw<Array<{ dropped: boolean }>>`
        SELECT drop_message_partition(${month}::date, ${now}::timestamptz) AS dropped`;
      if (dropped?.dropped) result.droppedPartitions.push(periodName(month));
    }
    if (result.archived.length > 0 || result.droppedPartitions.length > 0) {
      logger.info(
        {
          archives: result.archived.length,
          messages: result.archived.reduce((sum, entry) => sum + entry.messages, 0),
          droppedPartitions: result.droppedPartitions,
        },
        'retention: messages archived',
      );
    }
    return result;
  } finally {
    await database.$executeRaw`DELETE FROM job_leases WHERE name = ${LEASE} AND holder = ${holder}::uuid`;
  }
}

async function takeLease(database: RetentionDatabase, holder: string): Promise<boolean> {
  const taken = await database.$queryRaw<Array<{ holder: string }>>`
    INSERT INTO job_leases (name, holder, expires_at)
    VALUES (${LEASE}, ${holder}::uuid, now() + make_interval(secs => ${LEASE_MS / 1000}))
    ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
      WHERE job_leases.expires_at <= now()
    RETURNING holder::text`;
  return taken.length === 1;
}

async function renewLease(database: RetentionDatabase, holder: string): Promise<boolean> {
  const renewed = await database.$executeRaw`
    UPDATE job_leases SET expires_at = now() + make_interval(secs => ${LEASE_MS / 1000})
    WHERE name = ${LEASE} AND holder = ${holder}::uuid`;
  return renewed === 1;
}

/** Archives one organization's month up to `cutoff`; null when nothing is due any more. */
async function archiveMonth(
  { tenants, storage, logger }: RetentionDependencies,
  organizationId: string,
  month: Date,
  cutoff: Date,
  now: Date,
): Promise<{ messages: number; archive: MessageArchive } | null> {
  const slice = archiveSlice(month, cutoff);
  if (!slice) return null;
  const { rows, recorded } = await tenants.read(organizationId, async (tx) => ({
    rows: await tx.$queryRaw<Array<{ row: ArchivedRow }>>`
      SELECT to_jsonb(m) AS row FROM messages m
      WHERE m.organization_id = ${organizationId}::uuid AND m.sent_at >= ${slice.from} AND m.sent_at < ${slice.to}
      ORDER BY m.sent_at, m.id`,
    recorded: await tx.messageArchive.findUnique({
      where: { organizationId_period: { organizationId, period: slice.from } },
    }),
  }));
  if (rows.length === 0) return null;
  const key = archiveKey(organizationId, slice.from);
  const stored = await storage.get(key);
  if (!stored && recorded && recorded.messageCount > 0) {
    // The month's object vanished from storage (removed by hand, a bucket policy…): what it held is
    // gone already; archiving goes on so the rows past retention still leave, and says so.
    logger.warn(
      { organizationId, period: periodName(slice.from), lostMessages: recorded.messageCount },
      'retention: a recorded archive is missing from storage; it is written anew with the new rows only',
    );
  }
  // An archive that is there but unreadable stops this month: overwriting it would lose what it holds.
  const merged = mergeArchivedRows(
    stored ? await decodeArchive(stored) : [],
    rows.map((entry) => entry.row),
  );
  const { body, checksum } = await encodeArchive(merged);
  await storage.put(key, body, { contentType: 'application/gzip' });

  const ids = rows.map((entry) => entry.row.id);
  return tenants.writeDecided(organizationId, async (tx) => {
    // Never refused, but in turn with uploads: one checking the quota meanwhile waits and counts this
    // archive's new size, rather than passing on the old one.
    await lockStorageQuota(tx, organizationId);
    const values = {
      messageCount: merged.length,
      sizeBytes: body.length,
      storageKey: key,
      checksum,
      updatedAt: now,
    };
    const archive = toMessageArchive(
      await tx.messageArchive.upsert({
        where: { organizationId_period: { organizationId, period: slice.from } },
        create: { id: randomUUID(), organizationId, period: slice.from, createdAt: now, ...values },
        update: values,
      }),
    );
    const deleted = await tx.$queryRaw<Array<{ conversation_id: string; n: number }>>`
      WITH gone AS (
        DELETE FROM messages
        WHERE organization_id = ${organizationId}::uuid AND id = ANY(${ids}::uuid[])
          AND sent_at >= ${slice.from} AND sent_at < ${slice.to}
        RETURNING conversation_id
      )
      SELECT conversation_id::text, count(*)::int AS n FROM gone GROUP BY conversation_id`;
    await tx.$executeRaw`
      DELETE FROM message_keys WHERE organization_id = ${organizationId}::uuid AND message_id = ANY(${ids}::uuid[])`;
    // Counters follow the live messages: messageCount (Conversation.messages' totalCount) drops by what
    // was archived, firstMessageAt moves to the oldest message left (null when none is). Activity
    // (lastMessageAt, lastInboundAt, needsReply, unreadCount) is about the thread, not the rows: it stays.
    for (const { conversation_id: conversationId, n } of deleted) {
      await tx.$executeRaw`
        UPDATE conversations c SET
          message_count = greatest(0, c.message_count - ${n}::int),
          first_message_at = (
            SELECT min(m.sent_at) FROM messages m
            WHERE m.organization_id = c.organization_id AND m.conversation_id = c.id
          )
        WHERE c.organization_id = ${organizationId}::uuid AND c.id = ${conversationId}::uuid`;
    }
    const messages = deleted.reduce((sum, entry) => sum + entry.n, 0);
    return { value: { messages, archive }, events: [archiveStoredEvent(archive, now)] };
  });
}

/** The job as a kit job: a pass every `intervalMs` (the first one `intervalMs` after start), stopped first on close. */
export function startRetentionJob(
  dependencies: RetentionDependencies,
  options: { intervalMs: number; clock?: () => Date },
): { stop(): Promise<void> } {
  const clock = options.clock ?? (() => new Date());
  let running: Promise<void> | null = null;
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped || running) return;
    running = runRetentionPass(dependencies, clock())
      .then(() => undefined)
      .catch((error: unknown) => dependencies.logger.error({ err: error }, 'retention: a pass failed'))
      .finally(() => {
        running = null;
      });
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (running) await running;
    },
  };
}
