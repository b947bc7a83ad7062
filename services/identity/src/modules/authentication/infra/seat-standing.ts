import type { TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import { FREE_STANDING, seatsRequiredBy, type SeatStanding } from '../domain/seats';

type Transaction = Prisma.TransactionClient;

/** identity's copy of billing's seats, read when a principal is resolved. */
export function seatStandings(db: TenantDatabase<Transaction>) {
  return {
    /** The user's standing; Free (no seat needed) until billing has said otherwise. */
    of: (organizationId: string, userId: string): Promise<SeatStanding> =>
      db.read(organizationId, async (tx) => {
        const [policy, holder] = await Promise.all([
          tx.seatPolicy.findUnique({ where: { organizationId } }),
          tx.seatHolder.findUnique({ where: { organizationId_userId: { organizationId, userId } } }),
        ]);
        if (!policy) return FREE_STANDING;
        return { seatsRequired: policy.seatsRequired, seated: holder?.seated ?? false };
      }),
  };
}

/**
 * Applies billing.entitlements.changed.v1 inside the consumer's transaction: the organization's plan,
 * unless a later version was applied already. Answers whether it was applied.
 */
export async function applySeatPolicy(
  tx: Transaction,
  change: { organizationId: string; planId: string; version: number },
): Promise<boolean> {
  const data = {
    planId: change.planId,
    seatsRequired: seatsRequiredBy(change.planId),
    version: change.version,
  };
  // One statement: the newer version wins whatever order the events come in.
  const applied = await tx.$executeRaw`
    INSERT INTO seat_policies (organization_id, plan_id, seats_required, version, updated_at)
    VALUES (${change.organizationId}::uuid, ${data.planId}, ${data.seatsRequired}, ${data.version}, now())
    ON CONFLICT (organization_id) DO UPDATE
      SET plan_id = EXCLUDED.plan_id, seats_required = EXCLUDED.seats_required, version = EXCLUDED.version,
          updated_at = now()
      WHERE seat_policies.version < EXCLUDED.version`;
  return applied > 0;
}

/**
 * Applies billing.seat.assigned.v1 / unassigned.v1 inside the consumer's transaction: whether the user
 * holds a seat, unless a later seat change of the organization was applied for them already. Answers
 * whether it was applied.
 */
export async function applySeatChange(
  tx: Transaction,
  change: { organizationId: string; userId: string; seated: boolean; version: number },
): Promise<boolean> {
  const applied = await tx.$executeRaw`
    INSERT INTO seat_holders (organization_id, user_id, seated, version, updated_at)
    VALUES (${change.organizationId}::uuid, ${change.userId}::uuid, ${change.seated}, ${change.version}, now())
    ON CONFLICT (organization_id, user_id) DO UPDATE
      SET seated = EXCLUDED.seated, version = EXCLUDED.version, updated_at = now()
      WHERE seat_holders.version < EXCLUDED.version`;
  return applied > 0;
}
