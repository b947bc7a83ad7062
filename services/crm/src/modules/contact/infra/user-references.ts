import { uuidsOnly, type TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { KnownUser } from '../domain/owners';

type Transaction = Prisma.TransactionClient;

/** crm's projection of identity's users: read when a contact names its owner. */
export function userReferences(db: TenantDatabase<Transaction>) {
  return {
    async find(organizationId: string, userId: string): Promise<KnownUser | null> {
      if (uuidsOnly([userId]).length === 0) return null;
      return db.read(organizationId, (tx) =>
        tx.userReference.findUnique({
          where: { id: userId },
          select: { id: true, organizationId: true, status: true, deleted: true },
        }),
      );
    },
  };
}

/**
 * Applies one of identity's user events inside the consumer's transaction: creates or updates the
 * reference, unless a later event was applied already (events of one user arrive in order, but a
 * redelivery may bring an old one back).
 */
export async function applyUserEvent(
  tx: Transaction,
  user: { id: string; organizationId: string; status: string; deleted: boolean; at: Date },
): Promise<void> {
  const existing = await tx.userReference.findUnique({ where: { id: user.id }, select: { changedAt: true } });
  if (existing && existing.changedAt.getTime() > user.at.getTime()) return;
  const data = {
    organizationId: user.organizationId,
    status: user.status,
    deleted: user.deleted,
    changedAt: user.at,
  };
  await tx.userReference.upsert({ where: { id: user.id }, create: { id: user.id, ...data }, update: data });
}
