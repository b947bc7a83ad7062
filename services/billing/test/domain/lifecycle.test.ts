import { domainErrorOf } from '@platform/domain/testing';
import { SUBSCRIPTION_STATUSES } from '@platform/events/catalog';
import type { Plan } from '../../src/modules/plan/domain/plan';
import { addDays } from '../../src/modules/subscription/domain/billing-period';
import {
  DUNNING_RETRY_DAYS,
  illegalTransition,
  LIFECYCLE_EVENT_TYPES,
  nextDeadline,
  PENDING_PAYMENT_DAYS,
  REACTIVATION_WINDOW_DAYS,
  startSubscription,
  transition,
  type LifecycleEffect,
  type LifecycleEffectType,
  type LifecycleEvent,
  type LifecycleEventType,
  type StartSubscription,
  type SubscriptionState,
  type Transition,
} from '../../src/modules/subscription/domain/lifecycle';
import type { InvoiceLine } from '../../src/modules/subscription/domain/proration';
import { grantsAccess, type SubscriptionStatus } from '../../src/modules/subscription/domain/subscription';
import { BASIC, ENTERPRISE, FREE, PRO } from './fixtures';

/** Basic and Pro as the migrations write them. */
const utc = (iso: string) => new Date(`${iso}Z`);
const hoursAfter = (at: Date, hours: number) => new Date(at.getTime() + hours * 3_600_000);

/** April 2026 has 30 days: a subscription started on Apr 1 has the period of the proration example. */
const T0 = utc('2026-04-01T00:00:00');
const MAY_1 = utc('2026-05-01T00:00:00');
const HALFWAY = utc('2026-04-16T00:00:00');

const paid = (invoiceId: string): LifecycleEvent => ({ type: 'paymentSucceeded', invoiceId });
const declined = (invoiceId: string): LifecycleEvent => ({ type: 'paymentFailed', invoiceId });
const periodEnded = (invoiceId = 'inv-next'): LifecycleEvent => ({ type: 'periodEnded', invoiceId });
const retryDue: LifecycleEvent = { type: 'dunningRetryDue' };
const cancel = (atPeriodEnd: boolean): LifecycleEvent => ({ type: 'cancel', atPeriodEnd });
const reactivate = (invoiceId = 'inv-next'): LifecycleEvent => ({ type: 'reactivate', invoiceId });
const expire: LifecycleEvent = { type: 'expire' };
const changePlan = (
  plan: Plan,
  seats: number,
  options: { customSeatPriceMonthlyCents?: bigint; invoiceId?: string } = {},
): LifecycleEvent => ({
  type: 'changePlan',
  plan,
  seats,
  ...options,
  invoiceId: options.invoiceId ?? 'inv-change',
});

const subscribed = (plan: Plan, seatPriceMonthlyCents: bigint) => ({
  id: plan.id,
  name: plan.name,
  seatPriceMonthlyCents,
  entitlements: plan.features,
});

type StateOf<Status extends SubscriptionStatus> = Extract<SubscriptionState, { status: Status }>;

function hasStatus<Status extends SubscriptionStatus>(
  state: SubscriptionState,
  status: Status,
): state is StateOf<Status> {
  return state.status === status;
}

/** The state, checked to have this status (and typed as such). */
function inStatus<Status extends SubscriptionStatus>(
  state: SubscriptionState,
  status: Status,
): StateOf<Status> {
  if (!hasStatus(state, status)) throw new Error(`expected a ${status} subscription, got ${state.status}`);
  return state;
}

/** The CONFLICT a refused transition throws, checked to name the state and the event. */
function refusal(state: SubscriptionState, event: LifecycleEvent, now: Date) {
  const error = domainErrorOf(() => transition(state, event, now));
  expect(error.code).toBe('CONFLICT');
  expect(error.details).toMatchObject({ status: state.status, event: event.type });
  expect(error.message).toContain(`${event.type} is not allowed when the subscription is ${state.status}: `);
  return error;
}

const types = (effects: LifecycleEffect[]) => effects.map((effect) => effect.type);

function issued(effects: LifecycleEffect[]) {
  const invoices = effects.flatMap((effect) => (effect.type === 'issueInvoice' ? [effect.invoice] : []));
  expect(invoices).toHaveLength(1);
  const [invoice] = invoices;
  if (invoice === undefined) throw new Error('no invoice issued');
  return invoice;
}

// ---------------------------------------------------------------------------------------------------
// Situations: a subscription in each state, reached through the lifecycle itself, and when.

interface Situation {
  state: SubscriptionState;
  at: Date;
}

const BASIC_START: StartSubscription = { plan: BASIC, cycle: 'monthly', seats: 3, invoiceId: 'inv-first' };

function apply(situation: Situation, event: LifecycleEvent, at: Date): Situation {
  return { state: transition(situation.state, event, at).state, at };
}

function pending(): Situation {
  return { state: startSubscription(BASIC_START, T0).state, at: T0 };
}
function active(): Situation {
  return apply(pending(), paid('inv-first'), hoursAfter(T0, 1));
}
function activeRenewing(): Situation {
  return apply(active(), periodEnded('inv-renewal'), MAY_1);
}
function activeCanceling(): Situation {
  return apply(active(), cancel(true), hoursAfter(T0, 2));
}
function pastDue(): Situation {
  return apply(activeRenewing(), declined('inv-renewal'), hoursAfter(MAY_1, 1));
}
function pastDueRetrying(): Situation {
  const due = pastDue();
  return apply(due, retryDue, inStatus(due.state, 'past_due').dunning.nextRetryAt);
}
function pastDueCanceling(): Situation {
  const due = pastDue();
  return apply(due, cancel(true), hoursAfter(due.at, 1));
}
function canceled(): Situation {
  return apply(active(), cancel(false), addDays(T0, 2));
}
function expired(): Situation {
  const over = canceled();
  return apply(over, expire, inStatus(over.state, 'canceled').expiresAt);
}

const SITUATIONS: Record<SubscriptionStatus, () => Situation> = {
  pending,
  active,
  past_due: pastDue,
  canceled,
  expired,
};

// Where the canonical situation would refuse an event only because nothing is there for it, the matrix
// uses the situation the event is meant for (an invoice awaiting payment, a retry in flight, a cancel).
const SITUATION_FOR: Partial<Record<`${SubscriptionStatus} ${LifecycleEventType}`, () => Situation>> = {
  'active paymentSucceeded': activeRenewing,
  'active paymentFailed': activeRenewing,
  'active reactivate': activeCanceling,
  'past_due paymentFailed': pastDueRetrying,
  'past_due reactivate': pastDueCanceling,
};

function awaitedInvoice(state: SubscriptionState): string {
  switch (state.status) {
    case 'pending':
      return state.invoice.id;
    case 'active':
      return state.openInvoice?.id ?? 'inv-none';
    case 'past_due':
      return state.dunning.invoice.id;
    case 'canceled':
    case 'expired':
      return 'inv-none';
  }
}

function eventFor(type: LifecycleEventType, state: SubscriptionState): LifecycleEvent {
  switch (type) {
    case 'start':
      return { type, ...BASIC_START };
    case 'paymentSucceeded':
    case 'paymentFailed':
      return { type, invoiceId: awaitedInvoice(state) };
    case 'periodEnded':
    case 'reactivate':
      return { type, invoiceId: 'inv-next' };
    case 'dunningRetryDue':
    case 'expire':
      return { type };
    case 'cancel':
      return { type, atPeriodEnd: false };
    case 'changePlan':
      return { type, plan: PRO, seats: 3, invoiceId: 'inv-next' };
  }
}

/** Timed events come when they are due; the others an hour after the situation was reached. */
function timeFor(type: LifecycleEventType, { state, at }: Situation): Date {
  if (type === 'periodEnded') return state.period.end;
  if (type === 'dunningRetryDue' && state.status === 'past_due') return state.dunning.nextRetryAt;
  if (type === 'expire' && (state.status === 'pending' || state.status === 'canceled'))
    return state.expiresAt;
  return hoursAfter(at, 1);
}

type Outcome = { to: SubscriptionStatus; effects: LifecycleEffectType[] } | 'refused';
const R = 'refused';

const MATRIX: Record<SubscriptionStatus, Record<LifecycleEventType, Outcome>> = {
  pending: {
    start: R,
    paymentSucceeded: { to: 'active', effects: ['publishEntitlements'] },
    paymentFailed: { to: 'pending', effects: [] },
    periodEnded: R,
    dunningRetryDue: R,
    cancel: { to: 'canceled', effects: ['voidInvoice'] },
    reactivate: R,
    changePlan: R,
    expire: { to: 'expired', effects: ['voidInvoice'] },
  },
  active: {
    start: R,
    paymentSucceeded: { to: 'active', effects: [] },
    paymentFailed: { to: 'past_due', effects: ['scheduleDunningRetry'] },
    periodEnded: { to: 'active', effects: ['issueInvoice', 'chargeInvoice'] },
    dunningRetryDue: R,
    cancel: { to: 'canceled', effects: ['revokePremiumFeatures'] },
    reactivate: { to: 'active', effects: [] },
    changePlan: { to: 'active', effects: ['publishEntitlements', 'issueInvoice', 'chargeInvoice'] },
    expire: R,
  },
  past_due: {
    start: R,
    paymentSucceeded: { to: 'active', effects: [] },
    paymentFailed: { to: 'past_due', effects: ['scheduleDunningRetry'] },
    periodEnded: R,
    dunningRetryDue: { to: 'past_due', effects: ['chargeInvoice'] },
    cancel: { to: 'canceled', effects: ['voidInvoice', 'revokePremiumFeatures'] },
    reactivate: { to: 'past_due', effects: [] },
    changePlan: R,
    expire: R,
  },
  canceled: {
    start: R,
    paymentSucceeded: R,
    paymentFailed: R,
    periodEnded: R,
    dunningRetryDue: R,
    cancel: R,
    reactivate: { to: 'pending', effects: ['issueInvoice', 'chargeInvoice'] },
    changePlan: R,
    expire: { to: 'expired', effects: [] },
  },
  expired: {
    start: R,
    paymentSucceeded: R,
    paymentFailed: R,
    periodEnded: R,
    dunningRetryDue: R,
    cancel: R,
    reactivate: R,
    changePlan: R,
    expire: R,
  },
};

const PAIRS = SUBSCRIPTION_STATUSES.flatMap((status) =>
  LIFECYCLE_EVENT_TYPES.map((type) => [status, type, MATRIX[status][type]] as const),
);

function situationFor(status: SubscriptionStatus, type: LifecycleEventType): Situation {
  return (SITUATION_FOR[`${status} ${type}`] ?? SITUATIONS[status])();
}

describe('every status × every event', () => {
  it('covers all 5 statuses × 9 events, and each situation is in its status', () => {
    expect(PAIRS).toHaveLength(45);
    expect([...LIFECYCLE_EVENT_TYPES].sort()).toEqual(
      [
        'cancel',
        'changePlan',
        'dunningRetryDue',
        'expire',
        'paymentFailed',
        'paymentSucceeded',
        'periodEnded',
        'reactivate',
        'start',
      ].sort(),
    );
    for (const [status, type] of PAIRS) expect(situationFor(status, type).state.status).toBe(status);
  });

  it.each(PAIRS)('%s + %s → %p', (status, type, outcome) => {
    const situation = situationFor(status, type);
    const event = eventFor(type, situation.state);
    const now = timeFor(type, situation);
    if (outcome === 'refused') {
      refusal(situation.state, event, now);
      return;
    }
    const { state, effects } = transition(situation.state, event, now);
    expect([state.status, types(effects)]).toEqual([outcome.to, outcome.effects]);
  });

  const allowed = PAIRS.filter(([, , outcome]) => outcome !== 'refused');

  it.each(allowed)(
    '%s + %s revokes premium features exactly when access ends, and publishes them when it starts',
    (status, type) => {
      const situation = situationFor(status, type);
      const before = situation.state;
      const { state: after, effects } = transition(before, eventFor(type, before), timeFor(type, situation));
      const lost = grantsAccess(before) && !grantsAccess(after);
      const gained = !grantsAccess(before) && grantsAccess(after);
      expect(types(effects).includes('revokePremiumFeatures')).toBe(lost);
      const termsChanged = before.plan.id !== after.plan.id || before.seats !== after.seats;
      expect(types(effects).includes('publishEntitlements')).toBe(
        gained || (termsChanged && grantsAccess(after)),
      );
    },
  );

  it.each(allowed)('%s + %s leaves the state it was given unchanged', (status, type) => {
    const situation = situationFor(status, type);
    const copy = structuredClone(situation.state);
    transition(situation.state, eventFor(type, situation.state), timeFor(type, situation));
    expect(situation.state).toEqual(copy);
  });
});

describe('illegalTransition', () => {
  it('is a CONFLICT naming the status, the event and the reason', () => {
    const error = illegalTransition('expired', 'reactivate', 'it has expired');
    expect([error.code, error.message]).toEqual([
      'CONFLICT',
      'reactivate is not allowed when the subscription is expired: it has expired',
    ]);
    expect(error.details).toEqual({ status: 'expired', event: 'reactivate', reason: 'it has expired' });
  });
});

// ---------------------------------------------------------------------------------------------------

describe('startSubscription', () => {
  it('starts a paid plan pending, with its first invoice issued and charged', () => {
    const { state, effects } = startSubscription(
      { plan: PRO, cycle: 'monthly', seats: 3, invoiceId: 'inv-1' },
      T0,
    );
    expect(state).toEqual({
      status: 'pending',
      plan: subscribed(PRO, 9900n),
      seats: 3,
      cycle: 'monthly',
      anchor: T0,
      period: { start: T0, end: MAY_1 },
      creditBalanceCents: 0n,
      invoice: { id: 'inv-1', amountDueCents: 29700n },
      expiresAt: addDays(T0, PENDING_PAYMENT_DAYS),
    });
    expect(effects).toEqual([
      {
        type: 'issueInvoice',
        invoice: {
          id: 'inv-1',
          kind: 'first_period',
          lines: [
            {
              kind: 'subscription',
              description: 'Professional, 3 seats, monthly',
              planId: 'pro',
              seats: 3,
              period: { start: T0, end: MAY_1 },
              amountCents: 29700n,
            },
          ],
          totalCents: 29700n,
          amountDueCents: 29700n,
          creditCarriedCents: 0n,
        },
      },
      { type: 'chargeInvoice', invoiceId: 'inv-1', amountCents: 29700n, attempt: 1 },
    ]);
  });

  it('bills an annual cycle twelve monthly seat prices for a year', () => {
    const { state, effects } = startSubscription(
      { plan: BASIC, cycle: 'annual', seats: 1, invoiceId: 'inv-1' },
      T0,
    );
    expect(state.period).toEqual({ start: T0, end: utc('2027-04-01T00:00:00') });
    expect(issued(effects).lines).toEqual([
      {
        kind: 'subscription',
        description: 'Basic, 1 seat, annual',
        planId: 'basic',
        seats: 1,
        period: state.period,
        amountCents: 34800n,
      },
    ]);
  });

  it('starts a trial active with trialEndsAt, unbilled, its period ending with the trial', () => {
    const { state, effects } = startSubscription(
      { plan: PRO, cycle: 'monthly', seats: 3, trialDays: 14, invoiceId: 'inv-1' },
      T0,
    );
    const trialEndsAt = utc('2026-04-15T00:00:00');
    expect(state).toEqual({
      status: 'active',
      plan: subscribed(PRO, 9900n),
      seats: 3,
      cycle: 'monthly',
      anchor: trialEndsAt,
      period: { start: T0, end: trialEndsAt },
      creditBalanceCents: 0n,
      trialEndsAt,
      cancelAtPeriodEnd: false,
      pendingChange: null,
      openInvoice: null,
    });
    expect(effects).toEqual([{ type: 'publishEntitlements', planId: 'pro', entitlements: PRO.features }]);
    expect(grantsAccess(state)).toBe(true);
  });

  it('starts a plan that costs nothing active, with no invoice at all', () => {
    const { state, effects } = startSubscription(
      { plan: FREE, cycle: 'monthly', seats: 3, invoiceId: 'inv-1' },
      T0,
    );
    expect(state).toMatchObject({ status: 'active', period: { start: T0, end: MAY_1 }, openInvoice: null });
    expect(effects).toEqual([{ type: 'publishEntitlements', planId: 'free', entitlements: FREE.features }]);
  });

  it('takes trialDays 0 as no trial', () => {
    const { state } = startSubscription({ ...BASIC_START, trialDays: 0 }, T0);
    expect(state.status).toBe('pending');
  });

  it('starts Enterprise at the custom seat price it is given', () => {
    const { state, effects } = startSubscription(
      {
        plan: ENTERPRISE,
        cycle: 'monthly',
        seats: 40,
        customSeatPriceMonthlyCents: 25000n,
        invoiceId: 'inv-1',
      },
      T0,
    );
    expect(state.plan).toEqual(subscribed(ENTERPRISE, 25000n));
    expect(issued(effects).amountDueCents).toBe(1_000_000n);
  });

  it('starts Enterprise at a custom price of zero active and unbilled', () => {
    const { state, effects } = startSubscription(
      { plan: ENTERPRISE, cycle: 'annual', seats: 5, customSeatPriceMonthlyCents: 0n, invoiceId: 'inv-1' },
      T0,
    );
    expect([state.status, types(effects)]).toEqual(['active', ['publishEntitlements']]);
  });

  it.each([
    [
      'Enterprise without a custom price',
      { plan: ENTERPRISE, cycle: 'monthly', seats: 5, invoiceId: 'inv-1' },
      [
        {
          path: 'customSeatPriceMonthlyCents',
          message: 'is required: Enterprise has custom pricing',
          code: 'required',
        },
      ],
    ],
    [
      'a negative custom price',
      { plan: ENTERPRISE, cycle: 'monthly', seats: 5, customSeatPriceMonthlyCents: -1n, invoiceId: 'inv-1' },
      [{ path: 'customSeatPriceMonthlyCents', message: 'must not be negative', code: 'invalid' }],
    ],
    [
      'a custom price for a listed plan, no seats and too long a trial, all at once',
      {
        plan: PRO,
        cycle: 'monthly',
        seats: 0,
        trialDays: 366,
        customSeatPriceMonthlyCents: 100n,
        invoiceId: 'inv-1',
      },
      [
        { path: 'seats', message: 'must be a whole number, at least 1', code: 'invalid' },
        {
          path: 'customSeatPriceMonthlyCents',
          message: 'is not taken: Professional has a list price',
          code: 'invalid',
        },
        { path: 'trialDays', message: 'must be a whole number from 0 to 365', code: 'invalid' },
      ],
    ],
    [
      'fractional seats and trial days',
      { plan: BASIC, cycle: 'monthly', seats: 2.5, trialDays: 1.5, invoiceId: 'inv-1' },
      [
        { path: 'seats', message: 'must be a whole number, at least 1', code: 'invalid' },
        { path: 'trialDays', message: 'must be a whole number from 0 to 365', code: 'invalid' },
      ],
    ],
    [
      'a trial of something that costs nothing',
      { plan: FREE, cycle: 'monthly', seats: 3, trialDays: 14, invoiceId: 'inv-1' },
      [{ path: 'trialDays', message: 'a subscription that costs nothing has no trial', code: 'invalid' }],
    ],
  ] satisfies Array<[string, StartSubscription, unknown[]]>)(
    'refuses %s (BAD_USER_INPUT)',
    (_, command, issues) => {
      const error = domainErrorOf(() => startSubscription(command, T0));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.details).toEqual({ issues });
    },
  );
});

describe('pending', () => {
  it('becomes active when its first invoice is paid, keeping the period that started with it', () => {
    const { state, effects } = transition(pending().state, paid('inv-first'), hoursAfter(T0, 1));
    expect(state).toEqual({
      status: 'active',
      plan: subscribed(BASIC, 2900n),
      seats: 3,
      cycle: 'monthly',
      anchor: T0,
      period: { start: T0, end: MAY_1 },
      creditBalanceCents: 0n,
      trialEndsAt: null,
      cancelAtPeriodEnd: false,
      pendingChange: null,
      openInvoice: null,
    });
    expect(effects).toEqual([{ type: 'publishEntitlements', planId: 'basic', entitlements: BASIC.features }]);
  });

  it('stays pending after a declined payment, so the customer can pay another way', () => {
    const { state } = pending();
    const declinedOnce = transition(state, declined('inv-first'), hoursAfter(T0, 1));
    expect(declinedOnce).toEqual({ state, effects: [] });
    expect(transition(declinedOnce.state, paid('inv-first'), hoursAfter(T0, 2)).state.status).toBe('active');
  });

  it('refuses a payment result for another invoice', () => {
    const error = refusal(pending().state, paid('inv-other'), hoursAfter(T0, 1));
    expect(error.message).toContain('invoice inv-other is not the one awaiting payment (inv-first)');
  });

  it('expires when its payment window closes, not before, and the unpaid invoice is voided', () => {
    const { state } = pending();
    const closes = addDays(T0, PENDING_PAYMENT_DAYS);
    const early = refusal(state, expire, hoursAfter(closes, -1));
    expect(early.message).toContain('its payment window is open until 2026-04-02T00:00:00.000Z');
    const { state: over, effects } = transition(state, expire, closes);
    expect(over).toMatchObject({ status: 'expired', expiredAt: closes });
    expect(effects).toEqual([
      { type: 'voidInvoice', invoiceId: 'inv-first', reason: 'payment_window_expired' },
    ]);
  });

  it('cancels only immediately: nothing is paid, so it can be neither run to its end nor reactivated', () => {
    const { state } = pending();
    const now = hoursAfter(T0, 3);
    expect(refusal(state, cancel(true), now).message).toContain('nothing is paid yet: cancel it immediately');
    const { state: over, effects } = transition(state, cancel(false), now);
    expect(over).toMatchObject({
      status: 'canceled',
      canceledAt: now,
      cancellation: 'requested',
      expiresAt: now,
    });
    expect(effects).toEqual([{ type: 'voidInvoice', invoiceId: 'inv-first', reason: 'canceled' }]);
    expect(refusal(over, reactivate(), now).message).toContain('its reactivation window closed');
    expect(transition(over, expire, now).state.status).toBe('expired');
  });
});

describe('renewal', () => {
  it('waits for the end of the period', () => {
    const error = refusal(active().state, periodEnded(), hoursAfter(MAY_1, -1));
    expect(error.message).toContain('its period ends at 2026-05-01T00:00:00.000Z');
  });

  it('at the end of the period, moves to the next one and issues and charges its invoice', () => {
    const { state, effects } = transition(active().state, periodEnded('inv-2'), MAY_1);
    const next = { start: MAY_1, end: utc('2026-06-01T00:00:00') };
    expect(state).toMatchObject({
      status: 'active',
      period: next,
      openInvoice: { id: 'inv-2', amountDueCents: 8700n },
    });
    expect(effects).toEqual([
      {
        type: 'issueInvoice',
        invoice: {
          id: 'inv-2',
          kind: 'renewal',
          lines: [
            {
              kind: 'subscription',
              description: 'Basic, 3 seats, monthly',
              planId: 'basic',
              seats: 3,
              period: next,
              amountCents: 8700n,
            },
          ],
          totalCents: 8700n,
          amountDueCents: 8700n,
          creditCarriedCents: 0n,
        },
      },
      { type: 'chargeInvoice', invoiceId: 'inv-2', amountCents: 8700n, attempt: 1 },
    ]);
  });

  it('bills from the end of the period even when the clock tick comes late', () => {
    const { state } = transition(active().state, periodEnded(), addDays(MAY_1, 3));
    expect(state.period.start).toEqual(MAY_1);
  });

  it('is refused while the last invoice still awaits its payment result, and goes on once it is paid', () => {
    const { state } = activeRenewing();
    const june = utc('2026-06-01T00:00:00');
    expect(refusal(state, periodEnded(), june).message).toContain(
      'invoice inv-renewal is still awaiting its payment result',
    );
    const settled = transition(state, paid('inv-renewal'), hoursAfter(MAY_1, 1)).state;
    expect(inStatus(settled, 'active').openInvoice).toBeNull();
    expect(transition(settled, periodEnded('inv-3'), june).state.period.start).toEqual(june);
  });

  it('keeps the month-end anchor: Jan 31 → Feb 28 → Mar 31 → Apr 30', () => {
    const jan31 = utc('2026-01-31T09:00:00');
    let state = transition(startSubscription(BASIC_START, jan31).state, paid('inv-first'), jan31).state;
    const ends = [state.period.end.toISOString()];
    for (const invoiceId of ['inv-2', 'inv-3']) {
      state = transition(state, periodEnded(invoiceId), state.period.end).state;
      state = transition(state, paid(invoiceId), state.period.start).state;
      ends.push(state.period.end.toISOString());
    }
    expect(ends).toEqual([
      '2026-02-28T09:00:00.000Z',
      '2026-03-31T09:00:00.000Z',
      '2026-04-30T09:00:00.000Z',
    ]);
  });

  it('keeps an annual Feb 29 anchor: Feb 28 in common years, Feb 29 again in the next leap year', () => {
    const feb29 = utc('2028-02-29T00:00:00');
    const start = { ...BASIC_START, cycle: 'annual' as const };
    let state = transition(startSubscription(start, feb29).state, paid('inv-first'), feb29).state;
    const ends = [state.period.end.toISOString()];
    for (const invoiceId of ['inv-2', 'inv-3', 'inv-4']) {
      state = transition(state, periodEnded(invoiceId), state.period.end).state;
      state = transition(state, paid(invoiceId), state.period.start).state;
      ends.push(state.period.end.toISOString());
    }
    expect(ends).toEqual([
      '2029-02-28T00:00:00.000Z',
      '2030-02-28T00:00:00.000Z',
      '2031-02-28T00:00:00.000Z',
      '2032-02-29T00:00:00.000Z',
    ]);
  });

  it('of a plan that costs nothing, moves to the next period and invoices nothing', () => {
    const free = startSubscription({ plan: FREE, cycle: 'monthly', seats: 3, invoiceId: 'inv-1' }, T0).state;
    const { state, effects } = transition(free, periodEnded('inv-2'), MAY_1);
    expect(effects).toEqual([]);
    expect(state).toMatchObject({ status: 'active', period: { start: MAY_1 }, openInvoice: null });
  });
});

describe('trial', () => {
  const trialStart = { plan: PRO, cycle: 'monthly' as const, seats: 3, trialDays: 14, invoiceId: 'unused' };
  const trialEnd = utc('2026-04-15T00:00:00');

  it('ends with its period: the first invoice covers the first full cycle from the trial’s end', () => {
    const { state, effects } = transition(
      startSubscription(trialStart, T0).state,
      periodEnded('inv-1'),
      trialEnd,
    );
    expect(state).toMatchObject({
      status: 'active',
      trialEndsAt: null,
      anchor: trialEnd,
      period: { start: trialEnd, end: utc('2026-05-15T00:00:00') },
      openInvoice: { id: 'inv-1', amountDueCents: 29700n },
    });
    expect(types(effects)).toEqual(['issueInvoice', 'chargeInvoice']);
    expect(issued(effects).kind).toBe('first_period');
  });

  it('whose first charge is declined goes past due like any renewal', () => {
    const converted = transition(
      startSubscription(trialStart, T0).state,
      periodEnded('inv-1'),
      trialEnd,
    ).state;
    expect(transition(converted, declined('inv-1'), trialEnd).state.status).toBe('past_due');
  });

  it('canceled at period end ends with the trial, never billed', () => {
    const canceling = transition(startSubscription(trialStart, T0).state, cancel(true), addDays(T0, 2)).state;
    const { state, effects } = transition(canceling, periodEnded('inv-1'), trialEnd);
    expect(state).toMatchObject({ status: 'canceled', canceledAt: trialEnd });
    expect(effects).toEqual([{ type: 'revokePremiumFeatures', fallbackPlanId: 'free' }]);
  });

  it('changes plan at once and at no cost (nothing was paid), keeping the trial', () => {
    const trial = startSubscription(trialStart, T0).state;
    const { state, effects } = transition(trial, changePlan(BASIC, 5), addDays(T0, 3));
    expect(state).toMatchObject({ plan: subscribed(BASIC, 2900n), seats: 5, trialEndsAt: trialEnd });
    expect(effects).toEqual([{ type: 'publishEntitlements', planId: 'basic', entitlements: BASIC.features }]);
    const converted = transition(state, periodEnded('inv-1'), trialEnd);
    expect(issued(converted.effects).amountDueCents).toBe(14500n);
  });
});

describe('dunning', () => {
  const failedAt = hoursAfter(MAY_1, 1);

  it('starts when a renewal is declined: past due (access kept), first retry a day later', () => {
    const { state, effects } = transition(activeRenewing().state, declined('inv-renewal'), failedAt);
    expect(state).toMatchObject({
      status: 'past_due',
      cancelAtPeriodEnd: false,
      dunning: {
        invoice: { id: 'inv-renewal', amountDueCents: 8700n },
        failedAt,
        retriesDone: 0,
        nextRetryAt: addDays(failedAt, 1),
        retryInFlight: false,
      },
    });
    expect(grantsAccess(state)).toBe(true);
    expect(effects).toEqual([
      { type: 'scheduleDunningRetry', invoiceId: 'inv-renewal', retry: 1, at: addDays(failedAt, 1) },
    ]);
  });

  it('retries 1, 3 and 5 days after the failure, then cancels, voids the invoice and revokes features', () => {
    expect(DUNNING_RETRY_DAYS).toEqual([1, 3, 5]);
    let state = pastDue().state;
    const log: Array<[string, unknown]> = [];
    for (const days of [1, 3, 5]) {
      const due = addDays(failedAt, days);
      expect(nextDeadline(state)).toEqual({ event: 'dunningRetryDue', at: due });
      const retried = transition(state, retryDue, due);
      log.push(['retry', retried.effects]);
      expect(nextDeadline(retried.state)).toBeNull();
      // The result comes a little later; the next retry still counts from the first failure.
      const result = transition(retried.state, declined('inv-renewal'), hoursAfter(due, 2));
      log.push(['declined', result.effects]);
      state = result.state;
    }
    const end = hoursAfter(addDays(failedAt, 5), 2);
    expect(log).toEqual([
      ['retry', [{ type: 'chargeInvoice', invoiceId: 'inv-renewal', amountCents: 8700n, attempt: 2 }]],
      [
        'declined',
        [{ type: 'scheduleDunningRetry', invoiceId: 'inv-renewal', retry: 2, at: addDays(failedAt, 3) }],
      ],
      ['retry', [{ type: 'chargeInvoice', invoiceId: 'inv-renewal', amountCents: 8700n, attempt: 3 }]],
      [
        'declined',
        [{ type: 'scheduleDunningRetry', invoiceId: 'inv-renewal', retry: 3, at: addDays(failedAt, 5) }],
      ],
      ['retry', [{ type: 'chargeInvoice', invoiceId: 'inv-renewal', amountCents: 8700n, attempt: 4 }]],
      [
        'declined',
        [
          { type: 'voidInvoice', invoiceId: 'inv-renewal', reason: 'uncollectible' },
          { type: 'revokePremiumFeatures', fallbackPlanId: 'free' },
        ],
      ],
    ]);
    expect(state).toMatchObject({
      status: 'canceled',
      canceledAt: end,
      cancellation: 'payment_failed',
      expiresAt: addDays(end, REACTIVATION_WINDOW_DAYS),
    });
  });

  it('refuses a retry before it is due, or while one is in flight', () => {
    const { state } = pastDue();
    const due = addDays(failedAt, 1);
    expect(refusal(state, retryDue, hoursAfter(due, -1)).message).toContain(
      `the next retry is due at ${due.toISOString()}`,
    );
    const inFlight = transition(state, retryDue, due).state;
    expect(refusal(inFlight, retryDue, due).message).toContain('a retry is already in flight');
  });

  it('refuses a declined payment when no retry is in flight, and one for another invoice', () => {
    const { state } = pastDue();
    expect(refusal(state, declined('inv-renewal'), hoursAfter(failedAt, 2)).message).toContain(
      'no retry is in flight',
    );
    expect(refusal(pastDueRetrying().state, declined('inv-other'), addDays(failedAt, 1)).message).toContain(
      'invoice inv-other is not the one awaiting payment',
    );
  });

  it('ends when a retry succeeds: active again, nothing to publish (access was never lost)', () => {
    const retrying = pastDueRetrying();
    const { state, effects } = transition(retrying.state, paid('inv-renewal'), hoursAfter(retrying.at, 1));
    expect(effects).toEqual([]);
    expect(state).toMatchObject({
      status: 'active',
      openInvoice: null,
      cancelAtPeriodEnd: false,
      trialEndsAt: null,
    });
    expect(state.period).toEqual(retrying.state.period);
  });

  it('ends when the customer pays by hand before a retry', () => {
    const { state } = transition(pastDue().state, paid('inv-renewal'), hoursAfter(failedAt, 3));
    expect(state.status).toBe('active');
  });

  it('holds back the next renewal until it is settled, which then bills from the period end', () => {
    const { state } = pastDue();
    const june = utc('2026-06-01T00:00:00');
    expect(refusal(state, periodEnded(), june).message).toContain('dunning comes first');
    const settled = transition(state, paid('inv-renewal'), addDays(june, 1)).state;
    expect(transition(settled, periodEnded('inv-3'), addDays(june, 1)).state.period).toEqual({
      start: june,
      end: utc('2026-07-01T00:00:00'),
    });
  });
});

describe('cancel', () => {
  it('at period end keeps the subscription active until then, and drops a scheduled downgrade', () => {
    const downgrading = transition(active().state, changePlan(BASIC, 2), hoursAfter(T0, 2)).state;
    expect(inStatus(downgrading, 'active').pendingChange).not.toBeNull();
    const { state, effects } = transition(downgrading, cancel(true), hoursAfter(T0, 3));
    expect(effects).toEqual([]);
    expect(state).toMatchObject({ status: 'active', cancelAtPeriodEnd: true, pendingChange: null });
    expect(grantsAccess(state)).toBe(true);
  });

  it('at period end cannot be asked twice', () => {
    expect(refusal(activeCanceling().state, cancel(true), hoursAfter(T0, 4)).message).toContain(
      'it already cancels at the end of its period',
    );
    expect(refusal(pastDueCanceling().state, cancel(true), addDays(MAY_1, 1)).message).toContain(
      'it already cancels at the end of its period',
    );
  });

  it('at period end becomes canceled when the period ends: no renewal invoice, features revoked', () => {
    const late = hoursAfter(MAY_1, 5);
    const { state, effects } = transition(activeCanceling().state, periodEnded(), late);
    expect(effects).toEqual([{ type: 'revokePremiumFeatures', fallbackPlanId: 'free' }]);
    expect(state).toMatchObject({
      status: 'canceled',
      canceledAt: MAY_1,
      cancellation: 'requested',
      expiresAt: addDays(MAY_1, REACTIVATION_WINDOW_DAYS),
      period: { start: T0, end: MAY_1 },
    });
  });

  it('immediately ends access now and credits nothing for the rest of the period', () => {
    const now = addDays(T0, 2);
    const { state, effects } = transition(active().state, cancel(false), now);
    expect(effects).toEqual([{ type: 'revokePremiumFeatures', fallbackPlanId: 'free' }]);
    expect(state).toEqual({
      status: 'canceled',
      plan: subscribed(BASIC, 2900n),
      seats: 3,
      cycle: 'monthly',
      anchor: T0,
      period: { start: T0, end: MAY_1 },
      creditBalanceCents: 0n,
      canceledAt: now,
      cancellation: 'requested',
      expiresAt: addDays(now, REACTIVATION_WINDOW_DAYS),
    });
  });

  it('immediately voids an invoice still awaiting payment', () => {
    const { effects } = transition(activeRenewing().state, cancel(false), hoursAfter(MAY_1, 1));
    expect(effects).toEqual([
      { type: 'voidInvoice', invoiceId: 'inv-renewal', reason: 'canceled' },
      { type: 'revokePremiumFeatures', fallbackPlanId: 'free' },
    ]);
  });

  it('at period end while past due: dunning goes on; paid, it is active and still canceling', () => {
    const { state } = pastDueCanceling();
    expect(state).toMatchObject({ status: 'past_due', cancelAtPeriodEnd: true });
    const settled = transition(state, paid('inv-renewal'), addDays(MAY_1, 1)).state;
    expect(settled).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    const june = utc('2026-06-01T00:00:00');
    expect(transition(settled, periodEnded(), june).state.status).toBe('canceled');
  });
});

describe('reactivate', () => {
  it('undoes a cancel at period end', () => {
    const { state, effects } = transition(activeCanceling().state, reactivate(), hoursAfter(T0, 5));
    expect(effects).toEqual([]);
    expect(state).toEqual(active().state);
    const pastDueAgain = transition(pastDueCanceling().state, reactivate(), addDays(MAY_1, 1)).state;
    expect(pastDueAgain).toMatchObject({ status: 'past_due', cancelAtPeriodEnd: false });
  });

  it('of an active or past-due subscription that is not canceling is refused', () => {
    expect(refusal(active().state, reactivate(), hoursAfter(T0, 2)).message).toContain('it is not canceling');
    expect(refusal(pastDue().state, reactivate(), addDays(MAY_1, 1)).message).toContain(
      'it is not canceling',
    );
  });

  it('of a canceled subscription starts a new period from now, pending its invoice', () => {
    const now = addDays(T0, 10);
    const { state, effects } = transition(canceled().state, reactivate('inv-back'), now);
    expect(state).toEqual({
      status: 'pending',
      plan: subscribed(BASIC, 2900n),
      seats: 3,
      cycle: 'monthly',
      anchor: now,
      period: { start: now, end: utc('2026-05-11T00:00:00') },
      creditBalanceCents: 0n,
      invoice: { id: 'inv-back', amountDueCents: 8700n },
      expiresAt: addDays(now, PENDING_PAYMENT_DAYS),
    });
    expect(types(effects)).toEqual(['issueInvoice', 'chargeInvoice']);
    expect(issued(effects).kind).toBe('reactivation');
    const back = transition(state, paid('inv-back'), hoursAfter(now, 1));
    expect([back.state.status, types(back.effects)]).toEqual(['active', ['publishEntitlements']]);
  });

  it('of a canceled subscription is refused once its window has closed', () => {
    const { state } = canceled();
    const closes = inStatus(state, 'canceled').expiresAt;
    expect(refusal(state, reactivate(), closes).message).toContain(
      `its reactivation window closed at ${closes.toISOString()}`,
    );
  });

  it('of a canceled free subscription is active at once', () => {
    const free = startSubscription({ plan: FREE, cycle: 'monthly', seats: 3, invoiceId: 'inv-1' }, T0).state;
    const over = transition(free, cancel(false), addDays(T0, 1)).state;
    const { state, effects } = transition(over, reactivate(), addDays(T0, 2));
    expect(state).toMatchObject({ status: 'active', anchor: addDays(T0, 2), openInvoice: null });
    expect(effects).toEqual([{ type: 'publishEntitlements', planId: 'free', entitlements: FREE.features }]);
  });
});

describe('expire', () => {
  it('ends a canceled subscription when its reactivation window closes: nothing left to revoke, data kept', () => {
    const { state } = canceled();
    const closes = addDays(addDays(T0, 2), REACTIVATION_WINDOW_DAYS);
    expect(nextDeadline(state)).toEqual({ event: 'expire', at: closes });
    expect(refusal(state, expire, hoursAfter(closes, -1)).message).toContain(
      `it can be reactivated until ${closes.toISOString()}`,
    );
    const { state: over, effects } = transition(state, expire, closes);
    expect(effects).toEqual([]);
    expect(over).toMatchObject({ status: 'expired', expiredAt: closes, plan: subscribed(BASIC, 2900n) });
    expect(nextDeadline(over)).toBeNull();
  });
});

describe('changePlan', () => {
  function basic(seats: number): SubscriptionState {
    const start = { ...BASIC_START, seats };
    return transition(startSubscription(start, T0).state, paid('inv-first'), T0).state;
  }

  it('Basic → Pro halfway through a 30-day period: credit 4350, charge 14850, 10500 charged now', () => {
    const { state, effects } = transition(basic(3), changePlan(PRO, 3, { invoiceId: 'inv-up' }), HALFWAY);
    const rest = { start: HALFWAY, end: MAY_1 };
    const lines: InvoiceLine[] = [
      {
        kind: 'proration_credit',
        description: 'Unused time on Basic, 3 seats',
        planId: 'basic',
        seats: 3,
        period: rest,
        amountCents: -4350n,
      },
      {
        kind: 'proration_charge',
        description: 'Remaining time on Professional, 3 seats',
        planId: 'pro',
        seats: 3,
        period: rest,
        amountCents: 14850n,
      },
    ];
    expect(effects).toEqual([
      { type: 'publishEntitlements', planId: 'pro', entitlements: PRO.features },
      {
        type: 'issueInvoice',
        invoice: {
          id: 'inv-up',
          kind: 'proration',
          lines,
          totalCents: 10500n,
          amountDueCents: 10500n,
          creditCarriedCents: 0n,
        },
      },
      { type: 'chargeInvoice', invoiceId: 'inv-up', amountCents: 10500n, attempt: 1 },
    ]);
    expect(state).toMatchObject({
      status: 'active',
      plan: subscribed(PRO, 9900n),
      seats: 3,
      period: { start: T0, end: MAY_1 },
      openInvoice: { id: 'inv-up', amountDueCents: 10500n },
    });
    const settled = transition(state, paid('inv-up'), HALFWAY).state;
    expect(issued(transition(settled, periodEnded('inv-2'), MAY_1).effects).amountDueCents).toBe(29700n);
  });

  it('an awkward moment: rounds each line to the nearest cent', () => {
    // 1,209,431 of 2,592,000 seconds: 8700 × … = 4059.43… → 4059; 29700 × … = 13858.06… → 13858
    const { effects } = transition(basic(3), changePlan(PRO, 3), utc('2026-04-17T00:02:49'));
    expect(issued(effects).lines.map((line) => line.amountCents)).toEqual([-4059n, 13858n]);
    expect(issued(effects).totalCents).toBe(9799n);
  });

  it('adding seats is an upgrade too: prorated now, and the seats are published (entitlements carry them)', () => {
    const { state, effects } = transition(basic(3), changePlan(BASIC, 5), HALFWAY);
    expect(types(effects)).toEqual(['publishEntitlements', 'issueInvoice', 'chargeInvoice']);
    expect(effects[0]).toEqual({
      type: 'publishEntitlements',
      planId: 'basic',
      entitlements: BASIC.features,
    });
    expect(issued(effects).lines.map((line) => line.amountCents)).toEqual([-4350n, 7250n]);
    expect(state.seats).toBe(5);
  });

  it('Pro → Basic is a downgrade: nothing now, applied at the period end with no proration', () => {
    const pro = transition(basic(3), changePlan(PRO, 3, { invoiceId: 'inv-up' }), T0).state;
    const settled = transition(pro, paid('inv-up'), T0).state;
    const { state, effects } = transition(settled, changePlan(BASIC, 3), HALFWAY);
    expect(effects).toEqual([]);
    expect(state).toMatchObject({
      plan: subscribed(PRO, 9900n),
      pendingChange: { plan: subscribed(BASIC, 2900n), seats: 3 },
    });
    const renewed = transition(state, periodEnded('inv-2'), MAY_1);
    expect(renewed.state).toMatchObject({ plan: subscribed(BASIC, 2900n), seats: 3, pendingChange: null });
    expect(types(renewed.effects)).toEqual(['publishEntitlements', 'issueInvoice', 'chargeInvoice']);
    expect(issued(renewed.effects).amountDueCents).toBe(8700n);
  });

  it('fewer seats on the same plan waits for the period end, and publishes the seats then', () => {
    const { state, effects } = transition(basic(5), changePlan(BASIC, 2), HALFWAY);
    expect(effects).toEqual([]);
    const renewed = transition(state, periodEnded('inv-2'), MAY_1);
    expect(renewed.state.seats).toBe(2);
    expect(types(renewed.effects)).toEqual(['publishEntitlements', 'issueInvoice', 'chargeInvoice']);
    expect(issued(renewed.effects).amountDueCents).toBe(5800n);
  });

  it('asking for the current terms withdraws a scheduled downgrade; with none scheduled it is refused', () => {
    const downgrading = transition(basic(5), changePlan(BASIC, 2), HALFWAY).state;
    const { state, effects } = transition(downgrading, changePlan(BASIC, 5), HALFWAY);
    expect([inStatus(state, 'active').pendingChange, effects]).toEqual([null, []]);
    expect(refusal(state, changePlan(BASIC, 5), HALFWAY).message).toContain(
      'it already has this plan and these seats',
    );
  });

  it('to a higher seat price but a lower amount is immediate, and the negative total becomes credit', () => {
    const { state, effects } = transition(basic(10), changePlan(PRO, 2, { invoiceId: 'inv-up' }), HALFWAY);
    expect(types(effects)).toEqual(['publishEntitlements', 'issueInvoice']);
    expect(issued(effects)).toMatchObject({
      totalCents: -4600n,
      amountDueCents: 0n,
      creditCarriedCents: 4600n,
    });
    expect(state).toMatchObject({
      plan: subscribed(PRO, 9900n),
      seats: 2,
      openInvoice: null,
      creditBalanceCents: 4600n,
    });
    // The next invoice is paid from the credit first: 19,800 − 4,600.
    const renewed = transition(state, periodEnded('inv-2'), MAY_1);
    expect(issued(renewed.effects)).toMatchObject({ totalCents: 15200n, amountDueCents: 15200n });
    expect(issued(renewed.effects).lines.map((line) => [line.kind, line.amountCents])).toEqual([
      ['subscription', 19800n],
      ['credit_balance_applied', -4600n],
    ]);
    expect(renewed.state.creditBalanceCents).toBe(0n);
  });

  it('a credit balance pays for a reactivation', () => {
    const credited = transition(basic(10), changePlan(PRO, 2), HALFWAY).state;
    const over = transition(credited, cancel(false), HALFWAY).state;
    const { state, effects } = transition(over, reactivate('inv-back'), addDays(HALFWAY, 1));
    expect(issued(effects).amountDueCents).toBe(15200n);
    expect(state).toMatchObject({ status: 'pending', creditBalanceCents: 0n });
  });

  it('to a lower seat price but a higher amount is immediate too (the amount goes up)', () => {
    const pro = transition(basic(3), changePlan(PRO, 2, { invoiceId: 'inv-up' }), T0).state;
    const settled = transition(pro, paid('inv-up'), T0).state;
    const { effects } = transition(settled, changePlan(BASIC, 10), HALFWAY);
    expect(types(effects)).toEqual(['publishEntitlements', 'issueInvoice', 'chargeInvoice']);
    expect(issued(effects).lines.map((line) => line.amountCents)).toEqual([-9900n, 14500n]);
  });

  it('from Free has nothing to credit: one charge line', () => {
    const free = startSubscription({ plan: FREE, cycle: 'monthly', seats: 3, invoiceId: 'inv-1' }, T0).state;
    const { effects } = transition(free, changePlan(BASIC, 3), HALFWAY);
    expect(issued(effects).lines.map((line) => [line.kind, line.amountCents])).toEqual([
      ['proration_charge', 4350n],
    ]);
  });

  it('with a second left in the period prorates to nothing: no invoice, the plan changes', () => {
    const { state, effects } = transition(basic(1), changePlan(PRO, 1), utc('2026-04-30T23:59:59'));
    expect(effects).toEqual([{ type: 'publishEntitlements', planId: 'pro', entitlements: PRO.features }]);
    expect(state).toMatchObject({ plan: subscribed(PRO, 9900n), openInvoice: null });
  });

  it('to Enterprise needs its custom price, and is prorated at it', () => {
    const error = domainErrorOf(() => transition(basic(3), changePlan(ENTERPRISE, 3), HALFWAY));
    expect([error.code, error.details]).toEqual([
      'BAD_USER_INPUT',
      {
        issues: [
          {
            path: 'customSeatPriceMonthlyCents',
            message: 'is required: Enterprise has custom pricing',
            code: 'required',
          },
        ],
      },
    ]);
    const { effects } = transition(
      basic(3),
      changePlan(ENTERPRISE, 3, { customSeatPriceMonthlyCents: 20001n }),
      HALFWAY,
    );
    // 60,003 / 2 = 30,001.5: a tie, to the even 30,002
    expect(issued(effects).lines.map((line) => line.amountCents)).toEqual([-4350n, 30002n]);
  });

  it('a new custom price on the same plan and seats changes no entitlements: nothing to publish', () => {
    const start = { plan: ENTERPRISE, cycle: 'monthly' as const, seats: 3, invoiceId: 'inv-1' };
    const started = startSubscription({ ...start, customSeatPriceMonthlyCents: 20000n }, T0).state;
    const enterprise = transition(started, paid('inv-1'), T0).state;
    const { state, effects } = transition(
      enterprise,
      changePlan(ENTERPRISE, 3, { customSeatPriceMonthlyCents: 30000n }),
      HALFWAY,
    );
    expect(types(effects)).toEqual(['issueInvoice', 'chargeInvoice']);
    expect(state.plan.seatPriceMonthlyCents).toBe(30000n);
  });

  it('refuses bad seats as input', () => {
    const error = domainErrorOf(() => transition(basic(3), changePlan(PRO, 0), HALFWAY));
    expect(error.code).toBe('BAD_USER_INPUT');
  });

  it('is refused while canceling, while an invoice awaits payment, and after the period ended', () => {
    expect(refusal(activeCanceling().state, changePlan(PRO, 3), HALFWAY).message).toContain(
      'reactivate it first',
    );
    expect(refusal(activeRenewing().state, changePlan(PRO, 3), hoursAfter(MAY_1, 1)).message).toContain(
      'invoice inv-renewal is still awaiting its payment result',
    );
    expect(refusal(basic(3), changePlan(PRO, 3), MAY_1).message).toContain('its period has ended');
  });

  it('whose proration charge is declined makes the subscription past due on that invoice', () => {
    const upgraded = transition(basic(3), changePlan(PRO, 3, { invoiceId: 'inv-up' }), HALFWAY).state;
    const { state } = transition(upgraded, declined('inv-up'), HALFWAY);
    expect(state).toMatchObject({
      status: 'past_due',
      plan: subscribed(PRO, 9900n),
      dunning: { invoice: { id: 'inv-up', amountDueCents: 10500n } },
    });
  });
});

describe('nextDeadline', () => {
  it('names the clock event each state waits for', () => {
    expect(nextDeadline(pending().state)).toEqual({ event: 'expire', at: addDays(T0, PENDING_PAYMENT_DAYS) });
    expect(nextDeadline(active().state)).toEqual({ event: 'periodEnded', at: MAY_1 });
    expect(nextDeadline(pastDue().state)).toEqual({
      event: 'dunningRetryDue',
      at: addDays(hoursAfter(MAY_1, 1), 1),
    });
    expect(nextDeadline(pastDueRetrying().state)).toBeNull();
    expect(nextDeadline(expired().state)).toBeNull();
  });
});

describe('a subscription’s life, on an injected clock', () => {
  it('trial → paid → two renewals → declined → retried → active → canceled at period end → expired', () => {
    let now = utc('2026-03-17T09:00:00');
    const started = startSubscription(
      { plan: PRO, cycle: 'monthly', seats: 3, trialDays: 14, invoiceId: 'x' },
      now,
    );
    let state = started.state;
    let invoices = 0;
    const history: Array<[string, SubscriptionStatus, LifecycleEffectType[]]> = [];
    const record = (label: string, result: Transition) => {
      state = result.state;
      history.push([`${now.toISOString().slice(0, 10)} ${label}`, state.status, types(result.effects)]);
      return result;
    };
    const send = (event: LifecycleEvent) => record(event.type, transition(state, event, now));
    /** Moves the clock to the next deadline and delivers it. */
    const tick = () => {
      const deadline = nextDeadline(state);
      if (deadline === null) throw new Error('nothing is due');
      now = deadline.at;
      invoices += 1;
      const event: LifecycleEvent =
        deadline.event === 'periodEnded'
          ? { type: 'periodEnded', invoiceId: `inv-${invoices}` }
          : { type: deadline.event };
      return send(event);
    };
    const charged = (result: Transition) => {
      const charges = result.effects.flatMap((effect) => (effect.type === 'chargeInvoice' ? [effect] : []));
      expect(charges).toHaveLength(1);
      const [charge] = charges;
      if (charge === undefined) throw new Error('nothing charged');
      expect(charge.amountCents).toBe(29700n);
      return charge.invoiceId;
    };

    record('start', started);
    send(paid(charged(tick()))); // trial ends Mar 31: first payment
    send(paid(charged(tick()))); // Apr 30
    send(paid(charged(tick()))); // May 31
    send(declined(charged(tick()))); // Jun 30: declined
    send(paid(charged(tick()))); // Jul 1: the first retry succeeds
    now = utc('2026-07-10T12:00:00');
    send(cancel(true));
    // Still active, with access, until the period it paid for ends.
    expect(grantsAccess(state)).toBe(true);
    expect(nextDeadline(state)).toEqual({ event: 'periodEnded', at: utc('2026-07-31T09:00:00') });
    tick(); // Jul 31: the period ends
    tick(); // Aug 30: the reactivation window closes

    expect(history).toEqual([
      ['2026-03-17 start', 'active', ['publishEntitlements']],
      ['2026-03-31 periodEnded', 'active', ['issueInvoice', 'chargeInvoice']],
      ['2026-03-31 paymentSucceeded', 'active', []],
      ['2026-04-30 periodEnded', 'active', ['issueInvoice', 'chargeInvoice']],
      ['2026-04-30 paymentSucceeded', 'active', []],
      ['2026-05-31 periodEnded', 'active', ['issueInvoice', 'chargeInvoice']],
      ['2026-05-31 paymentSucceeded', 'active', []],
      ['2026-06-30 periodEnded', 'active', ['issueInvoice', 'chargeInvoice']],
      ['2026-06-30 paymentFailed', 'past_due', ['scheduleDunningRetry']],
      ['2026-07-01 dunningRetryDue', 'past_due', ['chargeInvoice']],
      ['2026-07-01 paymentSucceeded', 'active', []],
      ['2026-07-10 cancel', 'active', []],
      ['2026-07-31 periodEnded', 'canceled', ['revokePremiumFeatures']],
      ['2026-08-30 expire', 'expired', []],
    ]);
  });
});
