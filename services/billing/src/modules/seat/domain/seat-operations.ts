import { randomUUID } from 'node:crypto';
import {
  InputIssues,
  isUuid,
  notFound,
  signedInUser,
  type Actor,
  type Page,
  type PageRequest,
} from '@platform/domain';
import {
  assignmentsOver,
  assignSeat,
  ensureSeatAvailable,
  ensureSeatsAssignable,
  reasonProblem,
  releaseSeat,
  seatHolderProblem,
  SeatReleaseCause,
  type SeatAssignment,
  type SeatEvent,
  type SeatOrigin,
} from './seat';
import type { SeatRepository, SeatStore } from './seat-repository';

const SIGN_IN = 'Sign in to manage seats';

/** A seat given to `userId` under the lock (or the one they hold already), and what it implies. */
export interface SeatChange {
  assignment: SeatAssignment;
  events: SeatEvent[];
}

/**
 * Gives `userId` a seat of the organization's current subscription inside `store`'s transaction:
 * idempotent (a user who holds a seat keeps it, and nothing is implied), CONFLICT without a current
 * subscription priced per seat, PLAN_LIMIT_REACHED when every seat is taken. `holder` checks who may
 * hold it (BAD_USER_INPUT from the manual path); the initial seat of a subscription's creator needs
 * no check.
 */
export async function giveSeat(
  store: SeatStore,
  command: {
    organizationId: string;
    userId: string;
    assignedBy: string | null;
    origin: SeatOrigin;
    at: Date;
    /** When given, the subscription must be this one (the caller just started it). */
    subscriptionId?: string;
    holder?: (store: SeatStore) => Promise<void>;
  },
): Promise<SeatChange> {
  const { organizationId, userId } = command;
  const version = await store.lock(organizationId);
  const subscription = ensureSeatsAssignable(await store.subscription(organizationId));
  if (command.subscriptionId !== undefined && command.subscriptionId !== subscription.id) {
    throw new Error(
      `subscription ${command.subscriptionId} is not the current subscription of organization ${organizationId}`,
    );
  }
  await command.holder?.(store);
  const held = await store.activeAssignmentOf(organizationId, userId);
  if (held) return { assignment: held, events: [] };
  const assigned = await store.assignedCount(organizationId);
  ensureSeatAvailable(subscription, assigned);
  const { assignment, events } = assignSeat(
    { id: randomUUID(), organizationId },
    subscription,
    userId,
    { assignedBy: command.assignedBy, origin: command.origin },
    { version: version + 1, assignedBefore: assigned },
    command.at,
  );
  await store.add(assignment);
  await store.setVersion(organizationId, version + 1);
  return { assignment, events };
}

/**
 * Releases `userId`'s seat inside `store`'s transaction (kept as history with the cause and reason);
 * null when they hold none.
 */
export async function takeSeat(
  store: SeatStore,
  command: {
    organizationId: string;
    userId: string;
    cause: SeatReleaseCause;
    reason: string | null;
    by: string | null;
    at: Date;
  },
): Promise<SeatChange | null> {
  const { organizationId } = command;
  const version = await store.lock(organizationId);
  const held = await store.activeAssignmentOf(organizationId, command.userId);
  if (!held) return null;
  const [assigned, subscription] = await Promise.all([
    store.assignedCount(organizationId),
    store.subscription(organizationId),
  ]);
  const { assignment, events } = releaseSeat(
    held,
    { cause: command.cause, reason: command.reason, by: command.by },
    { version: version + 1, assignedBefore: assigned, seatsLimit: subscription?.seatsLimit ?? null },
    command.at,
  );
  await store.release(assignment);
  await store.setVersion(organizationId, version + 1);
  return { assignment, events };
}

/** Releases every seat of the organization (a subscription over for good), one event each. */
export async function takeAllSeats(
  store: SeatStore,
  command: { organizationId: string; cause: SeatReleaseCause; reason: string | null; at: Date },
): Promise<SeatChange[]> {
  const { organizationId } = command;
  let version = await store.lock(organizationId);
  const [held, subscription] = await Promise.all([
    store.activeAssignments(organizationId),
    store.subscription(organizationId),
  ]);
  const changes: SeatChange[] = [];
  let assigned = held.length;
  for (const assignment of held) {
    version += 1;
    const change = releaseSeat(
      assignment,
      { cause: command.cause, reason: command.reason, by: null },
      { version, assignedBefore: assigned, seatsLimit: subscription?.seatsLimit ?? null },
      command.at,
    );
    assigned -= 1;
    await store.release(change.assignment);
    changes.push(change);
  }
  if (changes.length > 0) await store.setVersion(organizationId, version);
  return changes;
}

/**
 * Releases the newest assignments until at most `limit` remain (cause `unassigned`, by the platform,
 * with a reason naming the new limit), one event each. For a renewal that lowers the seats: the seat
 * rules keep it from finding more than the scheduled limit, and this is what happens if it ever does
 * (an organization is never left holding more seats than it pays for).
 */
export async function takeSeatsOver(
  store: SeatStore,
  command: { organizationId: string; limit: number; at: Date },
): Promise<SeatChange[]> {
  const { organizationId } = command;
  let version = await store.lock(organizationId);
  const held = await store.activeAssignments(organizationId);
  const over = assignmentsOver(held, command.limit);
  const changes: SeatChange[] = [];
  let assigned = held.length;
  for (const assignment of over) {
    version += 1;
    const change = releaseSeat(
      assignment,
      { cause: SeatReleaseCause.unassigned, reason: `Seats reduced to ${command.limit}`, by: null },
      { version, assignedBefore: assigned, seatsLimit: command.limit },
      command.at,
    );
    assigned -= 1;
    await store.release(change.assignment);
    changes.push(change);
  }
  if (changes.length > 0) await store.setVersion(organizationId, version);
  return changes;
}

/** The seat use cases of the graph: who may see and change what. */
export function seatOperations(repository: SeatRepository, clock: () => Date) {
  return {
    /**
     * Gives `userId` a seat (BAD_USER_INPUT unless an active user of the caller's organization; CONFLICT
     * without a subscription priced per seat; PLAN_LIMIT_REACHED when all are taken). A user holding a
     * seat keeps it: the answer is their assignment, and nothing changes.
     */
    async assign(actor: Actor, userId: string): Promise<SeatAssignment> {
      const caller = signedInUser(actor, SIGN_IN);
      if (!isUuid(userId)) new InputIssues().add('userId', 'must be a user id (UUID)').throwIfAny();
      return repository.change(caller.organizationId, async (store) => {
        const { assignment, events } = await giveSeat(store, {
          organizationId: caller.organizationId,
          userId,
          assignedBy: caller.userId,
          origin: 'manual',
          at: clock(),
          holder: async (within) => {
            const known = userId === caller.userId ? null : await within.user(caller.organizationId, userId);
            const problem = seatHolderProblem(userId, caller, known);
            if (problem) new InputIssues().add('userId', problem).throwIfAny();
          },
        });
        return { value: assignment, events };
      });
    },

    /** Releases `userId`'s seat with the caller's reason; NOT_FOUND when they hold none. */
    async unassign(actor: Actor, userId: string, reason: string | null | undefined): Promise<SeatAssignment> {
      const caller = signedInUser(actor, SIGN_IN);
      const issues = new InputIssues();
      if (!isUuid(userId)) issues.add('userId', 'must be a user id (UUID)');
      const problem = reasonProblem(reason);
      if (problem) issues.add('reason', problem);
      issues.throwIfAny();
      const released = await repository.change(caller.organizationId, async (store) => {
        const change = await takeSeat(store, {
          organizationId: caller.organizationId,
          userId,
          cause: SeatReleaseCause.unassigned,
          reason: reason ?? null,
          by: caller.userId,
          at: clock(),
        });
        return { value: change?.assignment ?? null, events: change?.events ?? [] };
      });
      if (!released) throw notFound('SeatAssignment', userId);
      return released;
    },

    /**
     * Pages of assignments of these organizations, in order: only an organization itself sees its
     * seats; any other reads as an empty page.
     */
    async assignmentsOf(
      actor: Actor,
      organizationIds: readonly string[],
      includeInactive: boolean,
      request: PageRequest,
    ): Promise<Array<Page<SeatAssignment>>> {
      // A cursor is opaque but not trusted: one that names no assignment id is the caller's mistake.
      if (request.after && !isUuid(request.after.id)) {
        new InputIssues().add('after', 'invalid cursor').throwIfAny();
      }
      const own = actor.organizationId;
      const page =
        own && organizationIds.includes(own) ? await repository.page(own, includeInactive, request) : null;
      const empty: Page<SeatAssignment> = {
        items: [],
        hasNextPage: false,
        hasPreviousPage: false,
        totalCount: 0,
      };
      return organizationIds.map((id) => (id === own && page ? page : empty));
    },

    /** Assigned seats of these organizations, in order (0 for any but the caller's own). */
    async assignedCountOf(actor: Actor, organizationIds: readonly string[]): Promise<number[]> {
      const own = actor.organizationId;
      const count = own && organizationIds.includes(own) ? await repository.assignedCount(own) : 0;
      return organizationIds.map((id) => (id === own ? count : 0));
    },
  };
}

export type SeatOperations = ReturnType<typeof seatOperations>;
