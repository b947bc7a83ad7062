import type { Prisma } from '../../../generated/prisma/client';
import { releaseCauseOf, type SeatEvent } from '../domain/seat';
import { seatTransaction } from './seat-repository';
import { releaseSeatOfUser } from './seats';

type Transaction = Prisma.TransactionClient;

/** One of identity's user events, as billing's projection keeps it. */
export interface UserChange {
  id: string;
  organizationId: string;
  status: string;
  deleted: boolean;
  /** When identity made the change. */
  at: Date;
}

/**
 * Applies one of identity's user events inside the consumer's transaction: creates or updates billing's
 * reference of the user, unless a later event was applied already (events of one user arrive in order,
 * but a redelivery may bring an old one back); a user who may no longer hold a seat loses theirs.
 * Answers the seat events implied (for the outbox).
 */
export async function applyUserChange(tx: Transaction, user: UserChange): Promise<SeatEvent[]> {
  const cause = releaseCauseOf(user);
  // A user losing the right to a seat: the seat lock first, so an assignment deciding on the old status
  // commits before (and is released below) or waits and reads the new one.
  if (cause) await seatTransaction(tx).lock(user.organizationId);
  const existing = await tx.userReference.findUnique({ where: { id: user.id }, select: { changedAt: true } });
  if (existing && existing.changedAt.getTime() > user.at.getTime()) return [];
  const data = {
    organizationId: user.organizationId,
    status: user.status,
    deleted: user.deleted,
    changedAt: user.at,
  };
  await tx.userReference.upsert({ where: { id: user.id }, create: { id: user.id, ...data }, update: data });
  if (!cause) return [];
  return releaseSeatOfUser(tx, { organizationId: user.organizationId, userId: user.id, cause, at: user.at });
}
