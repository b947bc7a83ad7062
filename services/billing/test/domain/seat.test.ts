import { InputIssues, isDomainError, type DomainError } from '@platform/domain';
import { PLAN_IDS, SEAT_RELEASE_CAUSES } from '@platform/events/catalog';
import {
  canHoldSeat,
  ensureSeatAvailable,
  ensureSeatsAssignable,
  reasonProblem,
  releaseCauseOf,
  SeatReleaseCause,
  seatHolderProblem,
  scheduledSeatsLimitOf,
  seatPicture,
  seatsRequired,
  type SeatAssignment,
  type SeatCandidate,
  type SeatSubscription,
} from '../../src/modules/seat/domain/seat';
import {
  giveSeat,
  takeAllSeats,
  takeSeat,
  takeSeatsOver,
} from '../../src/modules/seat/domain/seat-operations';
import type { SeatStore } from '../../src/modules/seat/domain/seat-repository';
import {
  startSubscription,
  transition,
  type SubscriptionState,
} from '../../src/modules/subscription/domain/lifecycle';
import { BASIC, ENTERPRISE, FREE, PRO } from './fixtures';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const OTHER_ORGANIZATION = '2c4e6a8b-1d3f-4a5c-9e7b-0f1e2d3c4b5a';
const SUBSCRIPTION = '7f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190';
const MANAGER = '5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const ALICE = '6b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e';
const BOB = '7c3d4e5f-6a7b-4c8d-8e9f-1a2b3c4d5e6f';
const AT = new Date('2026-05-01T12:00:00.000Z');

const PERIOD_START = new Date('2026-04-01T00:00:00.000Z');
const PERIOD_END = new Date('2026-05-01T00:00:00.000Z');
const PLANS = { free: FREE, basic: BASIC, pro: PRO };

/** A paid monthly Pro subscription with `seats` (period April), and a change to schedule, if any. */
function transitionless(
  seats: number,
  change: { planId: keyof typeof PLANS; seats: number } | null,
): SubscriptionState {
  const started = startSubscription({ plan: PRO, cycle: 'monthly', seats, invoiceId: 'inv-1' }, PERIOD_START);
  const paid = transition(
    started.state,
    { type: 'paymentSucceeded', invoiceId: 'inv-1' },
    PERIOD_START,
  ).state;
  if (change === null) return paid;
  const midway = new Date('2026-04-16T00:00:00.000Z');
  const event = {
    type: 'changePlan' as const,
    plan: PLANS[change.planId],
    seats: change.seats,
    invoiceId: 'inv-2',
  };
  return transition(paid, event, midway).state;
}

const basic = (
  seatsLimit: number | null,
  status: SeatSubscription['status'] = 'active',
): SeatSubscription => ({
  id: SUBSCRIPTION,
  planId: 'basic',
  status,
  seatsLimit,
  scheduledSeatsLimit: null,
});

function domainError(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (isDomainError(error)) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

async function rejection(work: Promise<unknown>): Promise<DomainError> {
  try {
    await work;
  } catch (error) {
    if (isDomainError(error)) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

/** The seat store in memory: what the rules read and write, and the version under the lock. */
function memoryStore(subscription: SeatSubscription | null, users: Record<string, SeatCandidate> = {}) {
  const assignments: SeatAssignment[] = [];
  const state = { version: 0, locks: 0 };
  const store: SeatStore = {
    lock: () => {
      state.locks += 1;
      return Promise.resolve(state.version);
    },
    setVersion: (_organizationId, version) => {
      state.version = version;
      return Promise.resolve();
    },
    subscription: () => Promise.resolve(subscription),
    user: (_organizationId, userId) => Promise.resolve(users[userId] ?? null),
    activeAssignmentOf: (_organizationId, userId) =>
      Promise.resolve(assignments.find((row) => row.userId === userId && row.isActive) ?? null),
    activeAssignments: () => Promise.resolve(assignments.filter((row) => row.isActive)),
    assignedCount: () => Promise.resolve(assignments.filter((row) => row.isActive).length),
    add: (assignment) => {
      assignments.push(assignment);
      return Promise.resolve();
    },
    release: (assignment) => {
      const index = assignments.findIndex((row) => row.id === assignment.id);
      assignments[index] = assignment;
      return Promise.resolve();
    },
  };
  return { store, assignments, state };
}

const give = (store: SeatStore, userId: string) =>
  giveSeat(store, { organizationId: ORGANIZATION, userId, assignedBy: MANAGER, origin: 'manual', at: AT });

describe('seatsRequired', () => {
  it('is true for every plan priced per seat and false for Free', () => {
    expect(PLAN_IDS.map((plan) => [plan, seatsRequired(plan)])).toEqual([
      ['free', false],
      ['basic', true],
      ['pro', true],
      ['enterprise', true],
    ]);
    // Free costs nothing per seat; Enterprise has custom pricing (null), still per seat.
    expect(FREE.seatPriceMonthlyCents).toBe(0);
    expect(ENTERPRISE.seatPriceMonthlyCents).toBeNull();
  });
});

describe('seatPicture', () => {
  it('shows limit, assigned and what is left; unlimited has no count of available seats', () => {
    expect(seatPicture(basic(5), 2)).toEqual({ required: true, limit: 5, assigned: 2, available: 3 });
    expect(seatPicture({ planId: 'enterprise', seatsLimit: null, scheduledSeatsLimit: null }, 40)).toEqual({
      required: true,
      limit: null,
      assigned: 40,
      available: null,
    });
    expect(seatPicture({ planId: 'free', seatsLimit: 3, scheduledSeatsLimit: null }, 0)).toEqual({
      required: false,
      limit: 3,
      assigned: 0,
      available: 3,
    });
  });

  it('never shows fewer than zero available (a limit below the seats held)', () => {
    expect(seatPicture(basic(2), 3).available).toBe(0);
  });

  it('counts as available only what a lower limit scheduled for the period end leaves', () => {
    const scheduled = { ...basic(5), scheduledSeatsLimit: { limit: 3, from: PERIOD_END } };
    expect(seatPicture(scheduled, 2)).toEqual({ required: true, limit: 5, assigned: 2, available: 1 });
    expect(seatPicture(scheduled, 4).available).toBe(0);
    const unlimitedNow = { ...basic(null), scheduledSeatsLimit: { limit: 3, from: PERIOD_END } };
    expect(seatPicture(unlimitedNow, 1).available).toBe(2);
  });
});

describe('scheduledSeatsLimitOf', () => {
  const state = transitionless;

  it('is the seats of a scheduled change that lowers them, from the period end', () => {
    expect(scheduledSeatsLimitOf(state(5, { planId: 'basic', seats: 3 }))).toEqual({
      limit: 3,
      from: PERIOD_END,
    });
  });

  it('is null without a scheduled change, for one that keeps or raises the seats, and for Free', () => {
    expect(scheduledSeatsLimitOf(state(5, null))).toBeNull();
    expect(scheduledSeatsLimitOf(state(5, { planId: 'basic', seats: 5 }))).toBeNull();
    expect(scheduledSeatsLimitOf(state(3, { planId: 'basic', seats: 8 }))).toBeNull();
    expect(scheduledSeatsLimitOf(state(5, { planId: 'free', seats: 1 }))).toBeNull();
  });
});

describe('who may hold a seat', () => {
  const caller = { organizationId: ORGANIZATION, userId: MANAGER };
  const user = (status: string, deleted = false, organizationId = ORGANIZATION): SeatCandidate => ({
    organizationId,
    status,
    deleted,
  });

  it('an active, undeleted user of the organization', () => {
    expect(seatHolderProblem(ALICE, caller, user('active'))).toBeNull();
    expect(canHoldSeat(user('active'))).toBe(true);
  });

  it.each(['invited', 'pending', 'inactive', 'suspended'])('not a user who is %s', (status) => {
    expect(seatHolderProblem(ALICE, caller, user(status))).toMatch(/not an active user/);
  });

  it('not a deleted user, an unknown one or one of another organization', () => {
    expect(seatHolderProblem(ALICE, caller, user('active', true))).toMatch(/not an active user/);
    expect(seatHolderProblem(ALICE, caller, null)).toBe('is not a user of the organization');
    expect(seatHolderProblem(ALICE, caller, user('active', false, OTHER_ORGANIZATION))).toBe(
      'is not a user of the organization',
    );
  });

  it('the caller themself, even before billing heard of them', () => {
    expect(seatHolderProblem(MANAGER, caller, null)).toBeNull();
  });
});

describe('when seats can be given', () => {
  it.each(['pending', 'active', 'past_due'] as const)('while a plan priced per seat is %s', (status) => {
    expect(ensureSeatsAssignable(basic(3, status))).toEqual(basic(3, status));
  });

  it.each(['canceled', 'expired'] as const)('not once the subscription is %s (CONFLICT)', (status) => {
    const error = domainError(() => ensureSeatsAssignable(basic(3, status)));
    expect([error.code, error.details]).toEqual(['CONFLICT', { reason: 'no_subscription' }]);
  });

  it('not without a subscription, nor on Free, which needs none (CONFLICT)', () => {
    expect(domainError(() => ensureSeatsAssignable(null)).details).toEqual({ reason: 'no_subscription' });
    const free = domainError(() => ensureSeatsAssignable({ ...basic(3), planId: 'free' }));
    expect([free.code, free.details]).toEqual(['CONFLICT', { reason: 'seats_not_required', planId: 'free' }]);
  });

  it('PLAN_LIMIT_REACHED naming a lower limit scheduled for the period end once that is reached', () => {
    const scheduled = { ...basic(5), scheduledSeatsLimit: { limit: 3, from: PERIOD_END } };
    expect(() => ensureSeatAvailable(scheduled, 2)).not.toThrow();
    const error = domainError(() => ensureSeatAvailable(scheduled, 3));
    expect([error.code, error.details]).toEqual([
      'PLAN_LIMIT_REACHED',
      {
        limit: 'seats',
        maximum: 3,
        current: 3,
        scheduled: { seatsLimit: 3, from: PERIOD_END.toISOString() },
      },
    ]);
    expect(error.message).toContain(`goes down to 3 seats at ${PERIOD_END.toISOString()}`);
  });

  it('PLAN_LIMIT_REACHED with the limit and the count when every seat is taken', () => {
    expect(() => ensureSeatAvailable(basic(2), 1)).not.toThrow();
    expect(() => ensureSeatAvailable(basic(null), 10_000)).not.toThrow();
    const error = domainError(() => ensureSeatAvailable(basic(2), 2));
    expect([error.code, error.details]).toEqual([
      'PLAN_LIMIT_REACHED',
      { limit: 'seats', maximum: 2, current: 2 },
    ]);
  });
});

describe('releaseCauseOf', () => {
  it('keeps the seat of an active user and names why anyone else loses it', () => {
    expect(releaseCauseOf({ status: 'active', deleted: false })).toBeNull();
    expect(releaseCauseOf({ status: 'inactive', deleted: false })).toBe('user_deactivated');
    expect(releaseCauseOf({ status: 'suspended', deleted: false })).toBe('user_suspended');
    expect(releaseCauseOf({ status: 'active', deleted: true })).toBe('user_deleted');
    expect(releaseCauseOf({ status: 'suspended', deleted: true })).toBe('user_deleted');
    expect(releaseCauseOf({ status: 'invited', deleted: false })).toBe('user_deactivated');
  });

  it('SeatReleaseCause is the event catalog’s list', () => {
    expect(Object.values(SeatReleaseCause)).toEqual([...SEAT_RELEASE_CAUSES]);
  });
});

describe('reasonProblem', () => {
  it('accepts none or up to 500 characters', () => {
    expect(reasonProblem(undefined)).toBeNull();
    expect(reasonProblem(null)).toBeNull();
    expect(reasonProblem(` ${'x'.repeat(500)} `)).toBeNull();
    expect(reasonProblem('x'.repeat(501))).toBe('must be at most 500 characters');
  });
});

describe('giveSeat', () => {
  it('assigns under the lock, raises the version and implies billing.seat.assigned.v1', async () => {
    const { store, assignments, state } = memoryStore(basic(2));
    const { assignment, events } = await give(store, ALICE);

    expect(assignments).toEqual([assignment]);
    expect(assignment).toMatchObject({
      organizationId: ORGANIZATION,
      subscriptionId: SUBSCRIPTION,
      userId: ALICE,
      assignedBy: MANAGER,
      assignedAt: AT,
      startDate: AT,
      endDate: null,
      isActive: true,
      metadata: { origin: 'manual' },
    });
    expect(state).toEqual({ version: 1, locks: 1 });
    expect(events.map((event) => [event.type, event.subject, event.tenantid])).toEqual([
      ['billing.seat.assigned.v1', ORGANIZATION, ORGANIZATION],
    ]);
    expect(events[0]?.data).toEqual({
      organizationId: ORGANIZATION,
      subscriptionId: SUBSCRIPTION,
      assignmentId: assignment.id,
      userId: ALICE,
      assignedById: MANAGER,
      assignedAt: AT.toISOString(),
      version: 1,
      seatsAssigned: 1,
      seatsLimit: 2,
    });
  });

  it('answers the seat a user holds already, implying nothing', async () => {
    const { store, assignments, state } = memoryStore(basic(2));
    const first = await give(store, ALICE);
    const again = await give(store, ALICE);
    expect(again).toEqual({ assignment: first.assignment, events: [] });
    expect(assignments).toHaveLength(1);
    expect(state.version).toBe(1);
  });

  it('refuses the seat after the last with PLAN_LIMIT_REACHED, writing nothing', async () => {
    const { store, assignments, state } = memoryStore(basic(1));
    await give(store, ALICE);
    const error = await rejection(give(store, BOB));
    expect([error.code, error.details]).toEqual([
      'PLAN_LIMIT_REACHED',
      { limit: 'seats', maximum: 1, current: 1 },
    ]);
    expect(assignments.map((row) => row.userId)).toEqual([ALICE]);
    expect(state.version).toBe(1);
  });

  it('runs the holder check under the lock, and its refusal writes nothing', async () => {
    const { store, assignments, state } = memoryStore(basic(3));
    const error = await rejection(
      giveSeat(store, {
        organizationId: ORGANIZATION,
        userId: BOB,
        assignedBy: MANAGER,
        origin: 'manual',
        at: AT,
        holder: () => {
          expect(state.locks).toBe(1);
          new InputIssues().add('userId', 'is not a user of the organization').throwIfAny();
          return Promise.resolve();
        },
      }),
    );
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(assignments).toEqual([]);
    expect(state.version).toBe(0);
  });

  it('insists on the subscription the caller names (the initial seat of a new subscription)', async () => {
    const { store } = memoryStore(basic(3));
    await expect(
      giveSeat(store, {
        organizationId: ORGANIZATION,
        userId: ALICE,
        assignedBy: null,
        origin: 'subscription_start',
        at: AT,
        subscriptionId: OTHER_ORGANIZATION,
      }),
    ).rejects.toThrow(/is not the current subscription/);
    const { assignment } = await giveSeat(store, {
      organizationId: ORGANIZATION,
      userId: ALICE,
      assignedBy: null,
      origin: 'subscription_start',
      at: AT,
      subscriptionId: SUBSCRIPTION,
    });
    expect(assignment).toMatchObject({ assignedBy: null, metadata: { origin: 'subscription_start' } });
  });
});

describe('takeSeat and takeAllSeats', () => {
  it('releases a seat as history with cause, reason and who, implying billing.seat.unassigned.v1', async () => {
    const { store, assignments, state } = memoryStore(basic(2));
    await give(store, ALICE);
    const later = new Date('2026-05-02T08:00:00.000Z');
    const change = await takeSeat(store, {
      organizationId: ORGANIZATION,
      userId: ALICE,
      cause: 'unassigned',
      reason: '  Moved to the partner team  ',
      by: MANAGER,
      at: later,
    });
    expect(assignments).toEqual([change?.assignment]);
    expect(change?.assignment).toMatchObject({
      isActive: false,
      endDate: later,
      deactivatedAt: later,
      deactivatedBy: MANAGER,
      deactivationCause: 'unassigned',
      deactivationReason: 'Moved to the partner team',
    });
    expect(change?.events.map((event) => event.data)).toEqual([
      {
        organizationId: ORGANIZATION,
        subscriptionId: SUBSCRIPTION,
        assignmentId: change?.assignment.id,
        userId: ALICE,
        cause: 'unassigned',
        deactivatedById: MANAGER,
        deactivatedAt: later.toISOString(),
        version: 2,
        seatsAssigned: 0,
        seatsLimit: 2,
      },
    ]);
    expect(state.version).toBe(2);
  });

  it('records the cause’s description when nobody wrote a reason, and null for a user holding no seat', async () => {
    const { store } = memoryStore(basic(2));
    await give(store, ALICE);
    const release = (userId: string) =>
      takeSeat(store, {
        organizationId: ORGANIZATION,
        userId,
        cause: 'user_suspended',
        reason: null,
        by: null,
        at: AT,
      });
    expect((await release(ALICE))?.assignment.deactivationReason).toBe('User suspended');
    expect(await release(ALICE)).toBeNull();
    expect(await release(BOB)).toBeNull();
  });

  it('gives no seat beyond a lower limit scheduled for the period end (PLAN_LIMIT_REACHED)', async () => {
    const { store, assignments } = memoryStore({
      ...basic(3),
      scheduledSeatsLimit: { limit: 1, from: PERIOD_END },
    });
    await give(store, ALICE);
    const error = await rejection(give(store, BOB));
    expect([error.code, error.details]).toMatchObject([
      'PLAN_LIMIT_REACHED',
      { maximum: 1, current: 1, scheduled: { seatsLimit: 1 } },
    ]);
    expect(assignments.map((row) => row.userId)).toEqual([ALICE]);
  });

  it('releases the newest seats over a lowered limit, one event each, and nothing when they fit', async () => {
    const { store, assignments, state } = memoryStore(basic(3));
    await give(store, MANAGER);
    await giveSeat(store, {
      organizationId: ORGANIZATION,
      userId: ALICE,
      assignedBy: MANAGER,
      origin: 'manual',
      at: new Date(AT.getTime() + 1000),
    });
    await giveSeat(store, {
      organizationId: ORGANIZATION,
      userId: BOB,
      assignedBy: MANAGER,
      origin: 'manual',
      at: new Date(AT.getTime() + 2000),
    });
    const changes = await takeSeatsOver(store, { organizationId: ORGANIZATION, limit: 1, at: PERIOD_END });
    expect(changes.map((change) => [change.assignment.userId, change.events[0]?.data])).toEqual([
      [
        BOB,
        expect.objectContaining({
          cause: 'unassigned',
          deactivatedById: null,
          version: 4,
          seatsAssigned: 2,
          seatsLimit: 1,
        }),
      ],
      [
        ALICE,
        expect.objectContaining({
          cause: 'unassigned',
          deactivatedById: null,
          version: 5,
          seatsAssigned: 1,
          seatsLimit: 1,
        }),
      ],
    ]);
    expect(changes[0]?.assignment.deactivationReason).toBe('Seats reduced to 1');
    expect(assignments.filter((row) => row.isActive).map((row) => row.userId)).toEqual([MANAGER]);
    expect(state.version).toBe(5);
    expect(await takeSeatsOver(store, { organizationId: ORGANIZATION, limit: 1, at: PERIOD_END })).toEqual(
      [],
    );
    expect(state.version).toBe(5);
  });

  it('releases every seat with one event each, versions in a row', async () => {
    const { store, assignments, state } = memoryStore(basic(3));
    await give(store, ALICE);
    await give(store, BOB);
    const changes = await takeAllSeats(store, {
      organizationId: ORGANIZATION,
      cause: 'subscription_ended',
      reason: null,
      at: AT,
    });
    expect(
      changes.map((change) => [change.events[0]?.data.version, change.events[0]?.data.seatsAssigned]),
    ).toEqual([
      [3, 1],
      [4, 0],
    ]);
    expect(assignments.every((row) => !row.isActive && row.deactivationCause === 'subscription_ended')).toBe(
      true,
    );
    expect(state.version).toBe(4);
    expect(
      await takeAllSeats(store, {
        organizationId: ORGANIZATION,
        cause: 'subscription_ended',
        reason: null,
        at: AT,
      }),
    ).toEqual([]);
    expect(state.version).toBe(4);
  });
});
