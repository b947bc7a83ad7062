import { afterCursorWhere, pageOf, type TenantDatabase } from '@platform/service-kit';
import { Prisma } from '../../../generated/prisma/client';
import {
  chainedEntry,
  type AuditChanges,
  type AuditEntry,
  type AuditFilter,
  type RecordedAudit,
} from '../domain/audit-entry';
import type { AuditRepository } from '../domain/audit-repository';

type Transaction = Prisma.TransactionClient;
type AuditRow = Prisma.AuditEventGetPayload<object>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function changesOf(value: Prisma.JsonValue | null): AuditChanges | null {
  if (!isRecord(value) || !isRecord(value['after'])) return null;
  const before = value['before'];
  return { before: isRecord(before) ? before : null, after: value['after'] };
}

const toEntry = (row: AuditRow): AuditEntry => ({
  id: row.id,
  organizationId: row.organizationId,
  sequence: row.sequence,
  service: row.service,
  occurredAt: row.occurredAt,
  createdAt: row.recordedAt,
  actor: {
    type: row.actorType as AuditEntry['actor']['type'],
    userId: row.actorUserId,
    apiKeyId: row.actorApiKeyId,
    actingFromOrganizationId: row.actingFromOrganizationId,
    sessionId: row.actorSessionId,
  },
  action: row.action,
  operation: row.operation,
  entityType: row.entityType,
  entityId: row.entityId,
  changes: changesOf(row.changes),
  details: isRecord(row.details) ? row.details : null,
  requestId: row.requestId,
  clientAddress: row.clientAddress,
  userAgent: row.userAgent,
  outcome: row.outcome as AuditEntry['outcome'],
  errorCode: row.errorCode,
  previousHash: row.previousHash,
  hash: row.hash,
});

const json = (value: object | null): Prisma.InputJsonValue | typeof Prisma.DbNull =>
  value === null ? Prisma.DbNull : value;

function whereOf(organizationId: string, filter: AuditFilter): Prisma.AuditEventWhereInput {
  const occurredAt =
    filter.occurredFrom || filter.occurredBefore
      ? {
          ...(filter.occurredFrom ? { gte: filter.occurredFrom } : {}),
          ...(filter.occurredBefore ? { lt: filter.occurredBefore } : {}),
        }
      : undefined;
  const action =
    filter.action || filter.actionPrefix
      ? {
          ...(filter.action ? { equals: filter.action } : {}),
          ...(filter.actionPrefix ? { startsWith: filter.actionPrefix } : {}),
        }
      : undefined;
  return {
    organizationId,
    ...(filter.actorUserId ? { actorUserId: filter.actorUserId } : {}),
    ...(filter.actorApiKeyId ? { actorApiKeyId: filter.actorApiKeyId } : {}),
    ...(filter.actorType ? { actorType: filter.actorType } : {}),
    ...(filter.entityType ? { entityType: filter.entityType } : {}),
    ...(filter.entityId ? { entityId: filter.entityId } : {}),
    ...(filter.service ? { service: filter.service } : {}),
    ...(filter.outcome ? { outcome: filter.outcome } : {}),
    ...(occurredAt ? { occurredAt } : {}),
    ...(action ? { action } : {}),
  };
}

const NEWEST_FIRST = [{ recordedAt: 'desc' as const }, { id: 'desc' as const }];

/** The trail over Prisma: tenant transactions, reads only (entries arrive through `appendAuditEntry`). */
export function auditRepository(db: TenantDatabase<Transaction>): AuditRepository {
  return {
    page(organizationId, filter, page) {
      return db.read(organizationId, async (tx) => {
        const where = whereOf(organizationId, filter);
        const paging = afterCursorWhere(page);
        const [rows, totalCount] = await Promise.all([
          tx.auditEvent.findMany({
            where: {
              AND: [
                where,
                {
                  OR: paging.OR?.map((condition) =>
                    'id' in condition
                      ? { recordedAt: condition.createdAt, id: condition.id }
                      : { recordedAt: condition.createdAt },
                  ),
                },
              ],
            },
            orderBy: NEWEST_FIRST,
            take: page.first + 1,
          }),
          tx.auditEvent.count({ where }),
        ]);
        return pageOf(rows.map(toEntry), page, totalCount);
      });
    },

    list(organizationId, filter, limit) {
      return db.read(organizationId, async (tx) => {
        const rows = await tx.auditEvent.findMany({
          where: whereOf(organizationId, filter),
          orderBy: NEWEST_FIRST,
          take: limit + 1,
        });
        return { entries: rows.slice(0, limit).map(toEntry), truncated: rows.length > limit };
      });
    },

    chainAfter(organizationId, after, limit) {
      return db.read(organizationId, async (tx) =>
        (
          await tx.auditEvent.findMany({
            where: { organizationId, sequence: { gt: after } },
            orderBy: { sequence: 'asc' },
            take: limit,
          })
        ).map(toEntry),
      );
    },
  };
}

/**
 * Appends a recorded audit event to its organization's chain, inside the consumer's tenant
 * transaction: a transaction-scoped advisory lock per organization orders concurrent appends, the head
 * and the entity's previous entry of the same action (whose `after` gives this one's `before`) are read
 * under it, and the entry is inserted with its hash. An event stored before (a redelivery) is left as
 * it is.
 */
export async function appendAuditEntry(
  tx: Transaction,
  id: string,
  recorded: RecordedAudit,
  recordedAt: Date,
): Promise<AuditEntry | null> {
  const organizationId = recorded.organizationId;
  await tx.$executeRaw`select pg_advisory_xact_lock(hashtextextended(${`audit:${organizationId}`}, 0))`;
  if (await tx.auditEvent.findUnique({ where: { id }, select: { id: true } })) return null;
  const head = await tx.auditEvent.findFirst({
    where: { organizationId },
    orderBy: { sequence: 'desc' },
    select: { sequence: true, hash: true },
  });
  const previous =
    recorded.changes && recorded.entityType && recorded.entityId
      ? await tx.auditEvent.findFirst({
          where: {
            organizationId,
            entityType: recorded.entityType,
            entityId: recorded.entityId,
            action: recorded.action,
            outcome: 'success',
            NOT: { changes: { equals: Prisma.DbNull } },
          },
          orderBy: { sequence: 'desc' },
          select: { changes: true },
        })
      : null;
  const entry = chainedEntry(
    id,
    recorded,
    head,
    changesOf(previous?.changes ?? null)?.after ?? null,
    recordedAt,
  );
  await tx.auditEvent.create({
    data: {
      id: entry.id,
      organizationId: entry.organizationId,
      sequence: entry.sequence,
      service: entry.service,
      occurredAt: entry.occurredAt,
      recordedAt: entry.createdAt,
      actorType: entry.actor.type,
      actorUserId: entry.actor.userId,
      actorApiKeyId: entry.actor.apiKeyId,
      actingFromOrganizationId: entry.actor.actingFromOrganizationId,
      actorSessionId: entry.actor.sessionId,
      action: entry.action,
      operation: entry.operation,
      entityType: entry.entityType,
      entityId: entry.entityId,
      changes: json(entry.changes),
      details: json(entry.details),
      requestId: entry.requestId,
      clientAddress: entry.clientAddress,
      userAgent: entry.userAgent,
      outcome: entry.outcome,
      errorCode: entry.errorCode,
      previousHash: entry.previousHash,
      hash: entry.hash,
    },
  });
  return entry;
}
