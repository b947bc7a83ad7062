import { pageOf } from '@platform/domain';
import { afterCursorWhere, type TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import { subscriptionTransaction } from '../../subscription/infra/subscription-repository';
import { scheduledSeatsLimitOf, type SeatAssignment } from '../domain/seat';
import type { SeatRepository, SeatStore } from '../domain/seat-repository';

type Transaction = Prisma.TransactionClient;
type AssignmentRow = Prisma.SeatAssignmentGetPayload<object>;

function metadataOf(value: Prisma.JsonValue): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
}

function toAssignment(row: AssignmentRow): SeatAssignment {
  return {
    id: row.id,
    organizationId: row.organizationId,
    subscriptionId: row.organizationSubscriptionId,
    userId: row.userId,
    assignedBy: row.assignedBy,
    assignedAt: row.assignedAt,
    startDate: row.startDate,
    endDate: row.endDate,
    isActive: row.isActive,
    deactivatedAt: row.deactivatedAt,
    deactivatedBy: row.deactivatedBy,
    deactivationCause: row.deactivationCause,
    deactivationReason: row.deactivationReason,
    metadata: metadataOf(row.metadata),
    createdAt: row.createdAt,
  };
}

/** Seats inside an open tenant transaction (the graph's writes, the user consumer's, the lead's). */
export function seatTransaction(tx: Transaction): SeatStore {
  return {
    async lock(organizationId) {
      // Inserting or touching the ledger row holds its lock until the transaction ends; a concurrent
      // change of the same organization waits here and then reads what this one committed.
      const [row] = await tx.$queryRaw<Array<{ version: number }>>`
        INSERT INTO seat_ledgers (organization_id, version, updated_at)
        VALUES (${organizationId}::uuid, 0, now())
        ON CONFLICT (organization_id) DO UPDATE SET updated_at = now()
        RETURNING version`;
      if (!row) throw new Error(`seat ledger of organization ${organizationId} could not be locked`);
      return row.version;
    },

    async setVersion(organizationId, version) {
      await tx.seatLedger.update({ where: { organizationId }, data: { version } });
    },

    async subscription(organizationId) {
      const current = await subscriptionTransaction(tx).current(organizationId);
      return current
        ? {
            id: current.id,
            planId: current.planId,
            status: current.status,
            seatsLimit: current.seatsLimit,
            scheduledSeatsLimit: scheduledSeatsLimitOf(current.state),
          }
        : null;
    },

    user(organizationId, userId) {
      return tx.userReference.findFirst({
        where: { id: userId, organizationId },
        select: { organizationId: true, status: true, deleted: true },
      });
    },

    async activeAssignmentOf(organizationId, userId) {
      const row = await tx.seatAssignment.findFirst({ where: { organizationId, userId, isActive: true } });
      return row ? toAssignment(row) : null;
    },

    async activeAssignments(organizationId) {
      const rows = await tx.seatAssignment.findMany({
        where: { organizationId, isActive: true },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toAssignment);
    },

    assignedCount(organizationId) {
      return tx.seatAssignment.count({ where: { organizationId, isActive: true } });
    },

    async add(assignment) {
      await tx.seatAssignment.create({
        data: {
          id: assignment.id,
          organizationId: assignment.organizationId,
          organizationSubscriptionId: assignment.subscriptionId,
          userId: assignment.userId,
          assignedBy: assignment.assignedBy,
          assignedAt: assignment.assignedAt,
          startDate: assignment.startDate,
          endDate: assignment.endDate,
          isActive: assignment.isActive,
          metadata: toJsonObject(assignment.metadata),
          createdAt: assignment.createdAt,
        },
      });
    },

    async release(assignment) {
      await tx.seatAssignment.update({
        where: { id: assignment.id },
        data: {
          isActive: false,
          endDate: assignment.endDate,
          deactivatedAt: assignment.deactivatedAt,
          deactivatedBy: assignment.deactivatedBy,
          deactivationCause: assignment.deactivationCause,
          deactivationReason: assignment.deactivationReason,
        },
      });
    },
  };
}

/** Metadata holds JSON values only (the domain writes strings); anything else is dropped. */
function toJsonObject(metadata: Record<string, unknown>): Prisma.InputJsonObject {
  const json: Record<string, Prisma.InputJsonValue> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      json[key] = value;
  }
  return json;
}

/**
 * Seats over Prisma. Every call runs in the organization's tenant transaction (row-level security
 * backs up the explicit organization filter).
 */
export function seatRepository(db: TenantDatabase<Transaction>): SeatRepository {
  return {
    change: (organizationId, work) => db.writeDecided(organizationId, (tx) => work(seatTransaction(tx))),

    page: (organizationId, includeInactive, request) =>
      db.read(organizationId, async (tx) => {
        const where = { organizationId, ...(includeInactive ? {} : { isActive: true }) };
        const [rows, totalCount] = await Promise.all([
          tx.seatAssignment.findMany({
            where: { ...where, ...afterCursorWhere(request) },
            orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
            take: request.first + 1,
          }),
          tx.seatAssignment.count({ where }),
        ]);
        return pageOf(rows.map(toAssignment), request, totalCount);
      }),

    assignedCount: (organizationId) =>
      db.read(organizationId, (tx) => tx.seatAssignment.count({ where: { organizationId, isActive: true } })),
  };
}
