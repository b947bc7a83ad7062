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

export function seatPicture(subscription: Pick<SeatSubscription, 'planId' | 'seatsLimit'>, assigned: number) {
  const limit = subscription.seatsLimit;
  return {
    required: seatsRequired(subscription.planId),
    limit,
    assigned,
    available: limit === null ? null : Math.max(0, limit - assigned),
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

/** PLAN_LIMIT_REACHED when every seat is taken. */
export function ensureSeatAvailable(subscription: SeatSubscription, assigned: number): void {
  const limit = subscription.seatsLimit;
  if (limit !== null && assigned >= limit) {
    throw planLimitReached(
      `All ${limit} seats of the subscription are assigned: unassign one or add seats to the subscription`,
      { limit: 'seats', maximum: limit, current: assigned },
    );
  }
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
