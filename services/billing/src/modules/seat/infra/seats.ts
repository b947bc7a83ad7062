/**
 * What the rest of billing calls inside its own tenant transactions: the subscription module (seats
 * when a paid subscription starts or ends, the count under which seats may not be lowered) and the
 * user consumer (a deactivated user's seat). Each takes the organization's seat lock, so nothing
 * slips in between a count and the change it guards.
 */
import type { Prisma } from '../../../generated/prisma/client';
import { giveSeat, takeAllSeats, takeSeat, takeSeatsOver, type SeatChange } from '../domain/seat-operations';
import { SeatReleaseCause, type SeatEvent } from '../domain/seat';
import { seatTransaction } from './seat-repository';

type Transaction = Prisma.TransactionClient;

/**
 * Seats the organization's users hold now. Takes the organization's seat lock until `tx` ends, so no
 * assignment can commit between this count and a change of the seat limit made in `tx`.
 */
export async function assignedSeatCount(tx: Transaction, organizationId: string): Promise<number> {
  const store = seatTransaction(tx);
  await store.lock(organizationId);
  return store.assignedCount(organizationId);
}

/**
 * Gives the user who started (or upgraded to) a paid subscription a seat of it, inside `tx`, where
 * `subscriptionId` must already be the organization's current subscription. A user who holds a seat
 * keeps it (no events); PLAN_LIMIT_REACHED when every seat is taken (e.g. seats of an earlier
 * subscription still held: `releaseSeats` first). The events are NOT appended: add them to the
 * write's events (`writeDecided`) or `appendToOutbox(tx, events)`.
 */
export function assignInitialSeat(
  tx: Transaction,
  command: {
    organizationId: string;
    subscriptionId: string;
    userId: string;
    assignedBy: string | null;
    at: Date;
  },
): Promise<SeatChange> {
  return giveSeat(seatTransaction(tx), {
    organizationId: command.organizationId,
    subscriptionId: command.subscriptionId,
    userId: command.userId,
    assignedBy: command.assignedBy,
    origin: 'subscription_start',
    at: command.at,
  });
}

/**
 * Releases every seat of the organization (cause `subscription_ended`), inside `tx`: for a
 * subscription over for good. The events are NOT appended (as above).
 */
export async function releaseSeats(
  tx: Transaction,
  command: { organizationId: string; at: Date; reason?: string | null },
): Promise<SeatEvent[]> {
  const changes = await takeAllSeats(seatTransaction(tx), {
    organizationId: command.organizationId,
    cause: SeatReleaseCause.subscription_ended,
    reason: command.reason ?? null,
    at: command.at,
  });
  return changes.flatMap((change) => change.events);
}

/**
 * Releases the newest seats until at most `limit` remain (a renewal lowered the seats below those
 * held), inside `tx`. The events are NOT appended (as above).
 */
export async function releaseSeatsOver(
  tx: Transaction,
  command: { organizationId: string; limit: number; at: Date },
): Promise<SeatEvent[]> {
  const changes = await takeSeatsOver(seatTransaction(tx), command);
  return changes.flatMap((change) => change.events);
}

/**
 * Releases a user's seat because of their account (deactivated, suspended, deleted), inside `tx`;
 * the events implied (none when they hold no seat).
 */
export async function releaseSeatOfUser(
  tx: Transaction,
  command: { organizationId: string; userId: string; cause: SeatReleaseCause; at: Date },
): Promise<SeatEvent[]> {
  const change = await takeSeat(seatTransaction(tx), { ...command, reason: null, by: null });
  return change?.events ?? [];
}
