/**
 * Seats of an organization subscription (spec 000: `Subscription`, one seat, and
 * `UserSubscriptionAssignment`, a user's hold on one). Seats are interchangeable, so a seat is not a
 * row of its own: an assigned seat is an active assignment, an available one is the limit minus those.
 * Assignments are history: releasing one keeps it with `isActive = false`, when and why. No Prisma or
 * GraphQL here.
 */
import {
  createEvent,
  SEAT_RELEASE_CAUSES,
  SEATED_PLAN_IDS,
  type CloudEvent,
  type EventData,
  type SUBSCRIPTION_STATUSES,
} from '@platform/events/catalog';
import { conflict, enumObject, planLimitReached } from '@platform/domain';
import type { PlanId } from '../../plan/domain/plan';
import type { SubscriptionState } from '../../subscription/domain/lifecycle';

const EVENT_SOURCE = '/services/billing';

type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** Subscriptions whose seats can be given out: those not over (the first payment may be on its way). */
export const SEAT_ASSIGNING_STATUSES: readonly SubscriptionStatus[] = ['pending', 'active', 'past_due'];

/** Why a seat assignment ended. */
export const SeatReleaseCause = enumObject(SEAT_RELEASE_CAUSES);
export type SeatReleaseCause = (typeof SEAT_RELEASE_CAUSES)[number];

/** How an assignment came to be (kept in its metadata). */
export const SEAT_ORIGINS = ['manual', 'subscription_start'] as const;
export type SeatOrigin = (typeof SEAT_ORIGINS)[number];

export interface SeatAssignment {
  id: string;
  organizationId: string;
  /** The organization subscription it was made under. */
  subscriptionId: string;
  userId: string;
  /** Null when the platform assigned it. */
  assignedBy: string | null;
  assignedAt: Date;
  startDate: Date;
  /** When the assignment ended (set when it is released). */
  endDate: Date | null;
  isActive: boolean;
  deactivatedAt: Date | null;
  /** Null when the platform released it (identity's user events) or while it is active. */
  deactivatedBy: string | null;
  deactivationCause: SeatReleaseCause | null;
  deactivationReason: string | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
}

/** What the seat rules need of the organization's current subscription. */
export interface SeatSubscription {
  id: string;
  planId: PlanId;
  status: SubscriptionStatus;
  /** Null means unlimited. */
  seatsLimit: number | null;
  /** A lower limit already scheduled for the period's end (a downgrade or fewer seats), or null. */
  scheduledSeatsLimit: ScheduledSeatsLimit | null;
}

/** A seat limit that takes effect at the end of the current period. */
export interface ScheduledSeatsLimit {
  limit: number;
  from: Date;
}

/**
 * The lower seat limit a scheduled change brings at the period's end, or null when none is scheduled,
 * the change does not lower the seats, or its plan needs no seats (Free). While one is scheduled no
 * more seats are given than it allows, so the renewal that applies it finds them all within it.
 */
export function scheduledSeatsLimitOf(state: SubscriptionState): ScheduledSeatsLimit | null {
  if (state.status !== 'active' || state.pendingChange === null) return null;
  const { plan, seats } = state.pendingChange;
  if (!seatsRequired(plan.id) || seats >= state.seats) return null;
  return { limit: seats, from: state.period.end };
}

/** The seats of a subscription as a client sees them. */
export interface SeatPicture {
  /** Whether members need a seat to write (plans priced per seat). */
  required: boolean;
  /** Null means unlimited. */
  limit: number | null;
  assigned: number;
  /** Null means unlimited; never below zero (a limit lowered under the assigned count shows 0). */
  available: number | null;
}

export type SeatAssigned = CloudEvent<'billing.seat.assigned.v1', EventData<'billing.seat.assigned.v1'>>;
export type SeatUnassigned = CloudEvent<
  'billing.seat.unassigned.v1',
  EventData<'billing.seat.unassigned.v1'>
>;
export type SeatEvent = SeatAssigned | SeatUnassigned;

/** What a user looks like to the seat rules (billing's projection of identity's users). */
export interface SeatCandidate {
  organizationId: string;
  status: string;
  deleted: boolean;
}

/** Longest free-text reason an unassignment keeps. */
export const REASON_MAX_LENGTH = 500;

/** The plan's members need a seat to write: plans priced per seat (all but Free). */
export function seatsRequired(planId: PlanId): boolean {
  return SEATED_PLAN_IDS.includes(planId);
}

/** The most seats that may be held now: the limit, or a lower one already scheduled. Null = unlimited. */
function assignableLimit(subscription: Pick<SeatSubscription, 'seatsLimit' | 'scheduledSeatsLimit'>) {
  const scheduled = subscription.scheduledSeatsLimit?.limit ?? null;
  const limit = subscription.seatsLimit;
  if (limit === null) return scheduled;
  return scheduled === null ? limit : Math.min(limit, scheduled);
}

export function seatPicture(
  subscription: Pick<SeatSubscription, 'planId' | 'seatsLimit' | 'scheduledSeatsLimit'>,
  assigned: number,
) {
  const assignable = assignableLimit(subscription);
  return {
    required: seatsRequired(subscription.planId),
    limit: subscription.seatsLimit,
    assigned,
    available: assignable === null ? null : Math.max(0, assignable - assigned),
  } satisfies SeatPicture;
}

/** Only active, undeleted users hold seats. */
export function canHoldSeat(user: Pick<SeatCandidate, 'status' | 'deleted'>): boolean {
  return user.status === 'active' && !user.deleted;
}

/**
 * Why `userId` cannot be given a seat, or null: it must be an active user of the organization. The
 * caller may always take one themselves: the gateway-signed context vouches for them before billing
 * hears of them.
 */
export function seatHolderProblem(
  userId: string,
  caller: { organizationId: string; userId: string },
  known: SeatCandidate | null,
): string | null {
  if (userId === caller.userId) return null;
  if (!known || known.organizationId !== caller.organizationId) return 'is not a user of the organization';
  if (!canHoldSeat(known))
    return 'is not an active user (invited, pending, deactivated, suspended or deleted)';
  return null;
}

/**
 * Seats are given out while the subscription is not over (pending, active or past due) and its plan
 * is priced per seat: CONFLICT otherwise.
 */
export function ensureSeatsAssignable(subscription: SeatSubscription | null): SeatSubscription {
  if (!subscription || !SEAT_ASSIGNING_STATUSES.includes(subscription.status)) {
    throw conflict('The organization has no current subscription to assign seats of', {
      reason: 'no_subscription',
    });
  }
  if (!seatsRequired(subscription.planId)) {
    throw conflict(`The ${subscription.planId} plan needs no seats: every member works without one`, {
      reason: 'seats_not_required',
      planId: subscription.planId,
    });
  }
  return subscription;
}

/**
 * PLAN_LIMIT_REACHED when every seat is taken, or when a lower limit scheduled for the period's end is
 * reached already (`details.scheduled`: that limit and when it applies), so that the renewal applying
 * it never finds more seats held than it allows.
 */
export function ensureSeatAvailable(subscription: SeatSubscription, assigned: number): void {
  const limit = subscription.seatsLimit;
  if (limit !== null && assigned >= limit) {
    throw planLimitReached(
      `All ${limit} seats of the subscription are assigned: unassign one or add seats to the subscription`,
      { limit: 'seats', maximum: limit, current: assigned },
    );
  }
  const scheduled = subscription.scheduledSeatsLimit;
  if (scheduled !== null && assigned >= scheduled.limit) {
    const from = scheduled.from.toISOString();
    throw planLimitReached(
      `The subscription goes down to ${scheduled.limit} seats at ${from} and ${assigned} are assigned: ` +
        'unassign one, or withdraw the scheduled change by asking for the current seats again',
      {
        limit: 'seats',
        maximum: scheduled.limit,
        current: assigned,
        scheduled: { seatsLimit: scheduled.limit, from },
      },
    );
  }
}

/**
 * The assignments to release so that at most `limit` remain: the newest first (those assigned last
 * leave first). Empty when they fit.
 */
export function assignmentsOver<A extends Pick<SeatAssignment, 'assignedAt' | 'id'>>(
  active: readonly A[],
  limit: number,
): A[] {
  if (active.length <= limit) return [];
  const newestFirst = [...active].sort(
    (a, b) => b.assignedAt.getTime() - a.assignedAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );
  return newestFirst.slice(0, active.length - limit);
}

/** The cause a change of the user's account gives their seat, or null while they may keep it. */
export function releaseCauseOf(user: Pick<SeatCandidate, 'status' | 'deleted'>): SeatReleaseCause | null {
  if (canHoldSeat(user)) return null;
  if (user.deleted) return SeatReleaseCause.user_deleted;
  if (user.status === 'suspended') return SeatReleaseCause.user_suspended;
  return SeatReleaseCause.user_deactivated;
}

/** What a release records as its reason when nobody wrote one. */
export const DEFAULT_REASONS: Readonly<Record<SeatReleaseCause, string>> = {
  unassigned: 'Unassigned',
  user_deactivated: 'User deactivated',
  user_suspended: 'User suspended',
  user_deleted: 'User deleted',
  subscription_ended: 'Subscription ended',
};

/** A manager's reason: trimmed, at most REASON_MAX_LENGTH characters; empty means none. */
export function reasonProblem(reason: string | null | undefined): string | null {
  if (reason === null || reason === undefined) return null;
  return reason.trim().length > REASON_MAX_LENGTH ? `must be at most ${REASON_MAX_LENGTH} characters` : null;
}

/** A new active assignment of a seat of `subscription` to `userId`, and its event. */
export function assignSeat(
  ids: { id: string; organizationId: string },
  subscription: SeatSubscription,
  userId: string,
  by: { assignedBy: string | null; origin: SeatOrigin },
  picture: { version: number; assignedBefore: number },
  now: Date,
): { assignment: SeatAssignment; events: [SeatAssigned] } {
  const assignment: SeatAssignment = {
    id: ids.id,
    organizationId: ids.organizationId,
    subscriptionId: subscription.id,
    userId,
    assignedBy: by.assignedBy,
    assignedAt: now,
    startDate: now,
    endDate: null,
    isActive: true,
    deactivatedAt: null,
    deactivatedBy: null,
    deactivationCause: null,
    deactivationReason: null,
    metadata: { origin: by.origin },
    createdAt: now,
  };
  const event = createEvent('billing.seat.assigned.v1', {
    source: EVENT_SOURCE,
    subject: assignment.organizationId,
    tenantId: assignment.organizationId,
    time: now,
    data: {
      organizationId: assignment.organizationId,
      subscriptionId: subscription.id,
      assignmentId: assignment.id,
      userId,
      assignedById: by.assignedBy,
      assignedAt: now.toISOString(),
      version: picture.version,
      seatsAssigned: picture.assignedBefore + 1,
      seatsLimit: subscription.seatsLimit,
    },
  });
  return { assignment, events: [event] };
}

/** The assignment released (kept as history), and its event. */
export function releaseSeat(
  assignment: SeatAssignment,
  release: { cause: SeatReleaseCause; reason: string | null; by: string | null },
  picture: { version: number; assignedBefore: number; seatsLimit: number | null },
  now: Date,
): { assignment: SeatAssignment; events: [SeatUnassigned] } {
  const reason = release.reason?.trim() ? release.reason.trim() : DEFAULT_REASONS[release.cause];
  const released: SeatAssignment = {
    ...assignment,
    isActive: false,
    endDate: now,
    deactivatedAt: now,
    deactivatedBy: release.by,
    deactivationCause: release.cause,
    deactivationReason: reason,
  };
  const event = createEvent('billing.seat.unassigned.v1', {
    source: EVENT_SOURCE,
    subject: assignment.organizationId,
    tenantId: assignment.organizationId,
    time: now,
    data: {
      organizationId: assignment.organizationId,
      subscriptionId: assignment.subscriptionId,
      assignmentId: assignment.id,
      userId: assignment.userId,
      cause: release.cause,
      deactivatedById: release.by,
      deactivatedAt: now.toISOString(),
      version: picture.version,
      seatsAssigned: Math.max(0, picture.assignedBefore - 1),
      seatsLimit: picture.seatsLimit,
    },
  });
  return { assignment: released, events: [event] };
}
