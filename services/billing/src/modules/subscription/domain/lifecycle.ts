/**
 * The subscription lifecycle as a pure state machine: `transition(state, event, now)` returns the next
 * state and the effects the service must carry out (issue and charge invoices, schedule dunning
 * retries, publish or revoke entitlements). No clock, no ids, no I/O: the caller passes `now` and the
 * ids of invoices an event may issue. No Prisma or GraphQL here.
 *
 * The rules (README "Subscription lifecycle"):
 * - A trial is `active` with `trialEndsAt` set: it grants the plan's features exactly as `active` does,
 *   so the catalog's statuses need no `trialing`. Its first period is [start, trialEndsAt), and the
 *   billing anchor is the trial's end.
 * - A paid start is `pending` until its first invoice is paid (for PENDING_PAYMENT_DAYS, then it
 *   expires); a free one (zero price) is `active` at once and never invoiced.
 * - A failed charge makes an active subscription `past_due` (it keeps access) and starts dunning: retries
 *   DUNNING_RETRY_DAYS after the failure; when the last fails it is `canceled`.
 * - `canceled` has no access (premium features are revoked the moment it is entered, data kept) and can
 *   be reactivated for REACTIVATION_WINDOW_DAYS; then it `expire`s, for good.
 */
import { conflict, InputIssues, type DomainError } from '@platform/domain';
import { entitlements, type Entitlements, type Plan, type PlanId } from '../../plan/domain/plan';
import { addDays, firstPeriod, isWithin, periodAfter, type BillingPeriod } from './billing-period';
import {
  buildInvoice,
  centsFrom,
  cycleAmount,
  proration,
  seatPriceForCycle,
  type Cents,
  type Invoice,
  type InvoiceKind,
  type InvoiceLine,
  type SeatCharge,
} from './proration';
import { SIGN_UP_PLAN, type BillingCycle, type SubscriptionStatus } from './subscription';

/** Days after a failed charge at which it is retried; when the last retry fails, the subscription ends. */
export const DUNNING_RETRY_DAYS: readonly [number, ...number[]] = [1, 3, 5];
/** How long a pending subscription waits for its first payment before it expires. */
export const PENDING_PAYMENT_DAYS = 1;
/** How long a canceled subscription can be reactivated before it expires. */
export const REACTIVATION_WINDOW_DAYS = 30;
/** The longest trial a subscription can start with. */
export const MAX_TRIAL_DAYS = 365;

/** The plan as this subscription pays for it: the agreed seat price is the list price or a custom one. */
export interface SubscribedPlan {
  id: PlanId;
  name: string;
  seatPriceMonthlyCents: Cents;
  entitlements: Entitlements;
}

/** A downgrade waiting for the end of the period. */
export interface PlanChange {
  plan: SubscribedPlan;
  seats: number;
}

/** An invoice that was charged and whose payment result has not arrived yet. */
export interface OpenInvoice {
  id: string;
  amountDueCents: Cents;
}

export interface Dunning {
  invoice: OpenInvoice;
  /** When the charge first failed: every retry is scheduled from here. */
  failedAt: Date;
  /** Retries that have failed so far. */
  retriesDone: number;
  nextRetryAt: Date;
  /** A retry was charged and its result has not arrived yet. */
  retryInFlight: boolean;
}

/** What every state carries: the terms, the period they are billed for, and the customer's credit. */
interface Terms {
  plan: SubscribedPlan;
  seats: number;
  cycle: BillingCycle;
  /** Periods end at anchor + k cycles (month-end anchoring in `billing-period.ts`). */
  anchor: Date;
  /** The current period; the last one once the subscription is over. */
  period: BillingPeriod;
  /** Money owed to the customer (negative prorations), paid into the next invoices. */
  creditBalanceCents: Cents;
}

export interface PendingSubscription extends Terms {
  status: 'pending';
  invoice: OpenInvoice;
  expiresAt: Date;
}

export interface ActiveSubscription extends Terms {
  status: 'active';
  /** Set while the subscription is in its trial, which ends with the current period. */
  trialEndsAt: Date | null;
  cancelAtPeriodEnd: boolean;
  pendingChange: PlanChange | null;
  openInvoice: OpenInvoice | null;
}

export interface PastDueSubscription extends Terms {
  status: 'past_due';
  cancelAtPeriodEnd: boolean;
  dunning: Dunning;
}

export const CANCELLATION_REASONS = ['requested', 'payment_failed'] as const;
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];

export interface CanceledSubscription extends Terms {
  status: 'canceled';
  canceledAt: Date;
  cancellation: CancellationReason;
  /** The end of the reactivation window. */
  expiresAt: Date;
}

export interface ExpiredSubscription extends Terms {
  status: 'expired';
  expiredAt: Date;
}

export type SubscriptionState =
  PendingSubscription | ActiveSubscription | PastDueSubscription | CanceledSubscription | ExpiredSubscription;

type StateOf<Status extends SubscriptionStatus> = Extract<SubscriptionState, { status: Status }>;

/** What `start` needs; also the `start` event. */
export interface StartSubscription {
  plan: Plan;
  cycle: BillingCycle;
  seats: number;
  /** 0 or absent: no trial. */
  trialDays?: number;
  /** Required for a plan with custom pricing (Enterprise), refused for any other. */
  customSeatPriceMonthlyCents?: Cents;
  /** The id to give the first invoice, if one is issued. */
  invoiceId: string;
}

export type LifecycleEvent =
  | ({ type: 'start' } & StartSubscription)
  | { type: 'paymentSucceeded'; invoiceId: string }
  | { type: 'paymentFailed'; invoiceId: string }
  /** The clock reached the end of the period; `invoiceId` names the renewal invoice if one is issued. */
  | { type: 'periodEnded'; invoiceId: string }
  | { type: 'dunningRetryDue' }
  | { type: 'cancel'; atPeriodEnd: boolean }
  /** `invoiceId` names the invoice for the new period if one is issued. */
  | { type: 'reactivate'; invoiceId: string }
  /** `invoiceId` names the proration invoice if one is issued. */
  | {
      type: 'changePlan';
      plan: Plan;
      seats: number;
      customSeatPriceMonthlyCents?: Cents;
      invoiceId: string;
    }
  | { type: 'expire' };

export type LifecycleEventType = LifecycleEvent['type'];
type EventOf<Type extends LifecycleEventType> = Extract<LifecycleEvent, { type: Type }>;

// Keyed by the union itself, so the list can neither miss an event type nor add one.
const EVENT_TYPES: { readonly [Type in LifecycleEventType]: Type } = {
  start: 'start',
  paymentSucceeded: 'paymentSucceeded',
  paymentFailed: 'paymentFailed',
  periodEnded: 'periodEnded',
  dunningRetryDue: 'dunningRetryDue',
  cancel: 'cancel',
  reactivate: 'reactivate',
  changePlan: 'changePlan',
  expire: 'expire',
};
export const LIFECYCLE_EVENT_TYPES: readonly LifecycleEventType[] = Object.values(EVENT_TYPES);

export type VoidReason = 'canceled' | 'payment_window_expired' | 'uncollectible';

/** What the service must do after a transition, in order. */
export type LifecycleEffect =
  | { type: 'issueInvoice'; invoice: Invoice }
  /** `attempt` 1 is the first charge, 2… the dunning retries (an idempotency key with the invoice id). */
  | { type: 'chargeInvoice'; invoiceId: string; amountCents: Cents; attempt: number }
  | { type: 'voidInvoice'; invoiceId: string; reason: VoidReason }
  | { type: 'scheduleDunningRetry'; invoiceId: string; retry: number; at: Date }
  | { type: 'publishEntitlements'; planId: PlanId; entitlements: Entitlements }
  /** Drop to the fallback plan's entitlements; nothing is deleted. */
  | { type: 'revokePremiumFeatures'; fallbackPlanId: PlanId };

export type LifecycleEffectType = LifecycleEffect['type'];

export interface Transition {
  state: SubscriptionState;
  effects: LifecycleEffect[];
}

/** A CONFLICT naming the state and the event that it refuses, and why. */
export function illegalTransition(
  status: SubscriptionStatus,
  event: LifecycleEventType,
  reason: string,
): DomainError {
  return conflict(`${event} is not allowed when the subscription is ${status}: ${reason}`, {
    status,
    event,
    reason,
  });
}

function refused(state: SubscriptionState, event: LifecycleEvent, reason: string): never {
  throw illegalTransition(state.status, event.type, reason);
}

/** A table entry for a pair that is always refused. */
function refuse(reason: string) {
  return (state: SubscriptionState, event: LifecycleEvent): never => refused(state, event, reason);
}

function notBefore(state: SubscriptionState, event: LifecycleEvent, now: Date, due: Date, what: string) {
  if (now.getTime() < due.getTime()) refused(state, event, `${what} ${due.toISOString()}`);
}

// ---------------------------------------------------------------------------------------------------
// Terms, invoices and effects

function checkSeats(seats: number, issues: InputIssues): void {
  if (!Number.isSafeInteger(seats) || seats < 1) issues.add('seats', 'must be a whole number, at least 1');
}

/** The seat price this subscription agrees to; 0n with an issue added when there is none. */
function agreedSeatPrice(plan: Plan, custom: Cents | undefined, issues: InputIssues): Cents {
  if (plan.seatPriceMonthlyCents === null) {
    if (custom === undefined) {
      issues.add('customSeatPriceMonthlyCents', `is required: ${plan.name} has custom pricing`, 'required');
    } else if (custom < 0n) {
      issues.add('customSeatPriceMonthlyCents', 'must not be negative');
    } else {
      return custom;
    }
    return 0n;
  }
  if (custom !== undefined) {
    issues.add('customSeatPriceMonthlyCents', `is not taken: ${plan.name} has a list price`);
    return 0n;
  }
  return centsFrom(plan.seatPriceMonthlyCents, 'plan.seatPriceMonthlyCents');
}

function subscribedPlan(plan: Plan, seatPriceMonthlyCents: Cents): SubscribedPlan {
  return { id: plan.id, name: plan.name, seatPriceMonthlyCents, entitlements: entitlements(plan) };
}

function seatCharge(plan: SubscribedPlan, seats: number, cycle: BillingCycle): SeatCharge {
  return { seatPriceCents: seatPriceForCycle(plan.seatPriceMonthlyCents, cycle), seats };
}

function seatsLabel(seats: number): string {
  return seats === 1 ? '1 seat' : `${seats} seats`;
}

function publish(plan: SubscribedPlan): LifecycleEffect {
  return { type: 'publishEntitlements', planId: plan.id, entitlements: plan.entitlements };
}

/**
 * Whether what the organization may use differs between two terms: the plan, any of its features, or
 * the seats (entitlements carry `seats`, so a seat-only change is news to every service too).
 */
function entitlementsDiffer(before: Terms, after: Terms): boolean {
  if (before.plan.id !== after.plan.id || before.seats !== after.seats) return true;
  const was = before.plan.entitlements;
  const now = after.plan.entitlements;
  const keys = new Set([...Object.keys(was), ...Object.keys(now)]);
  return [...keys].some((key) => Reflect.get(was, key) !== Reflect.get(now, key));
}

/** publishEntitlements for the new terms when they change what the organization may use, else nothing. */
function publishIfChanged(before: Terms, after: Terms): LifecycleEffect[] {
  return entitlementsDiffer(before, after) ? [publish(after.plan)] : [];
}

const REVOKE: LifecycleEffect = { type: 'revokePremiumFeatures', fallbackPlanId: SIGN_UP_PLAN };

function charge(invoice: OpenInvoice, attempt: number): LifecycleEffect {
  return { type: 'chargeInvoice', invoiceId: invoice.id, amountCents: invoice.amountDueCents, attempt };
}

function voidInvoice(invoice: OpenInvoice, reason: VoidReason): LifecycleEffect {
  return { type: 'voidInvoice', invoiceId: invoice.id, reason };
}

/** An invoice's effects: issued when it has lines, charged only when something is due. */
function invoiceEffects(
  id: string,
  kind: InvoiceKind,
  lines: InvoiceLine[],
  creditBalanceCents: Cents,
): { effects: LifecycleEffect[]; open: OpenInvoice | null; creditBalanceCents: Cents } {
  if (lines.length === 0) return { effects: [], open: null, creditBalanceCents };
  const built = buildInvoice({ id, kind, lines }, creditBalanceCents);
  const effects: LifecycleEffect[] = [{ type: 'issueInvoice', invoice: built.invoice }];
  if (built.invoice.amountDueCents === 0n) {
    return { effects, open: null, creditBalanceCents: built.creditBalanceCents };
  }
  const open = { id, amountDueCents: built.invoice.amountDueCents };
  return { effects: [...effects, charge(open, 1)], open, creditBalanceCents: built.creditBalanceCents };
}

/** The invoice for a whole period of the terms; none at all when the terms cost nothing. */
function periodInvoice(terms: Terms, id: string, kind: InvoiceKind) {
  const amountCents = cycleAmount(seatCharge(terms.plan, terms.seats, terms.cycle));
  const line: InvoiceLine = {
    kind: 'subscription',
    description: `${terms.plan.name}, ${seatsLabel(terms.seats)}, ${terms.cycle}`,
    planId: terms.plan.id,
    seats: terms.seats,
    period: terms.period,
    amountCents,
  };
  return invoiceEffects(id, kind, amountCents === 0n ? [] : [line], terms.creditBalanceCents);
}

function terms(state: Terms): Terms {
  const { plan, seats, cycle, anchor, period, creditBalanceCents } = state;
  return { plan, seats, cycle, anchor, period, creditBalanceCents };
}

function canceled(
  state: SubscriptionState,
  canceledAt: Date,
  cancellation: CancellationReason,
  expiresAt: Date,
): CanceledSubscription {
  return { ...terms(state), status: 'canceled', canceledAt, cancellation, expiresAt };
}

function active(from: Terms, changes: Partial<ActiveSubscription> = {}): ActiveSubscription {
  return {
    ...terms(from),
    status: 'active',
    trialEndsAt: null,
    cancelAtPeriodEnd: false,
    pendingChange: null,
    openInvoice: null,
    ...changes,
  };
}

// ---------------------------------------------------------------------------------------------------
// Start

/**
 * A new subscription: `active` in a trial, `active` at once when it costs nothing, otherwise `pending`
 * with its first invoice issued and charged. Refuses (BAD_USER_INPUT, every problem at once) seats
 * below 1, a trial outside 0–MAX_TRIAL_DAYS or on a free price, and a custom price that is missing for
 * a custom-priced plan or given for a listed one.
 */
export function startSubscription(command: StartSubscription, now: Date): Transition {
  const issues = new InputIssues();
  checkSeats(command.seats, issues);
  const issuesBeforePrice = issues.list.length;
  const price = agreedSeatPrice(command.plan, command.customSeatPriceMonthlyCents, issues);
  const priceKnown = issues.list.length === issuesBeforePrice;
  const trialDays = command.trialDays ?? 0;
  if (!Number.isSafeInteger(trialDays) || trialDays < 0 || trialDays > MAX_TRIAL_DAYS) {
    issues.add('trialDays', `must be a whole number from 0 to ${MAX_TRIAL_DAYS}`);
  } else if (trialDays > 0 && priceKnown && price === 0n) {
    issues.add('trialDays', 'a subscription that costs nothing has no trial');
  }
  issues.throwIfAny();

  const plan = subscribedPlan(command.plan, price);
  const base = { plan, seats: command.seats, cycle: command.cycle, creditBalanceCents: 0n };
  if (trialDays > 0) {
    const trialEndsAt = addDays(now, trialDays);
    const trial: Terms = { ...base, anchor: trialEndsAt, period: { start: now, end: trialEndsAt } };
    return { state: active(trial, { trialEndsAt }), effects: [publish(plan)] };
  }
  const started: Terms = { ...base, anchor: now, period: firstPeriod(now, command.cycle) };
  const invoice = periodInvoice(started, command.invoiceId, 'first_period');
  if (invoice.open === null) {
    return { state: active(started), effects: [publish(plan)] };
  }
  return {
    state: {
      ...started,
      status: 'pending',
      invoice: invoice.open,
      expiresAt: addDays(now, PENDING_PAYMENT_DAYS),
    },
    effects: invoice.effects,
  };
}

// ---------------------------------------------------------------------------------------------------
// The table: every status × every event is decided here

type Handlers<State extends SubscriptionState> = {
  readonly [Type in LifecycleEventType]: (state: State, event: EventOf<Type>, now: Date) => Transition;
};

const STARTED = 'a subscription starts once; another one is a new subscription';
const OVER = 'it has expired; a new subscription starts from scratch';

const TRANSITIONS: { readonly [Status in SubscriptionStatus]: Handlers<StateOf<Status>> } = {
  pending: {
    start: refuse(STARTED),
    paymentSucceeded: (state, event) => {
      expectInvoice(state, event, state.invoice);
      return { state: active(state), effects: [publish(state.plan)] };
    },
    // The customer may pay with another card while the payment window is open.
    paymentFailed: (state, event) => {
      expectInvoice(state, event, state.invoice);
      return { state, effects: [] };
    },
    periodEnded: refuse('its first payment has not succeeded, so it has no period to renew'),
    dunningRetryDue: refuse('only a failed charge of an active subscription is retried'),
    cancel: (state, event, now) => {
      if (event.atPeriodEnd) refused(state, event, 'nothing is paid yet: cancel it immediately');
      // Nothing was paid, so there is nothing to reactivate: the window closes at once.
      return {
        state: canceled(state, now, 'requested', now),
        effects: [voidInvoice(state.invoice, 'canceled')],
      };
    },
    reactivate: refuse('it is not canceled'),
    changePlan: refuse('its first payment is pending: cancel it and start the other plan'),
    expire: (state, event, now) => {
      notBefore(state, event, now, state.expiresAt, 'its payment window is open until');
      return {
        state: { ...terms(state), status: 'expired', expiredAt: now },
        effects: [voidInvoice(state.invoice, 'payment_window_expired')],
      };
    },
  },

  active: {
    start: refuse(STARTED),
    paymentSucceeded: (state, event) => {
      expectInvoice(state, event, state.openInvoice);
      return { state: { ...state, openInvoice: null }, effects: [] };
    },
    paymentFailed: (state, event, now) => {
      const invoice = expectInvoice(state, event, state.openInvoice);
      return startDunning(state, invoice, now);
    },
    periodEnded: (state, event, now) => {
      notBefore(state, event, now, state.period.end, 'its period ends at');
      if (state.openInvoice !== null) {
        refused(state, event, `invoice ${state.openInvoice.id} is still awaiting its payment result`);
      }
      if (state.cancelAtPeriodEnd) {
        const end = state.period.end;
        return {
          state: canceled(state, end, 'requested', addDays(end, REACTIVATION_WINDOW_DAYS)),
          effects: [REVOKE],
        };
      }
      return renew(state, event.invoiceId);
    },
    dunningRetryDue: refuse('no charge is being retried'),
    cancel: (state, event, now) => {
      if (event.atPeriodEnd) {
        if (state.cancelAtPeriodEnd) refused(state, event, 'it already cancels at the end of its period');
        // No next period, so a scheduled downgrade has nothing left to apply to.
        return { state: { ...state, cancelAtPeriodEnd: true, pendingChange: null }, effects: [] };
      }
      return cancelNow(state, state.openInvoice, now);
    },
    reactivate: (state, event) => {
      if (!state.cancelAtPeriodEnd) refused(state, event, 'it is not canceling');
      return { state: { ...state, cancelAtPeriodEnd: false }, effects: [] };
    },
    changePlan,
    expire: refuse('an active subscription renews or is canceled; it does not expire'),
  },

  past_due: {
    start: refuse(STARTED),
    // Paid by a retry or by the customer directly: access was never lost, so nothing to publish.
    paymentSucceeded: (state, event) => {
      expectInvoice(state, event, state.dunning.invoice);
      return { state: active(state, { cancelAtPeriodEnd: state.cancelAtPeriodEnd }), effects: [] };
    },
    paymentFailed: (state, event, now) => {
      const invoice = expectInvoice(state, event, state.dunning.invoice);
      const { dunning } = state;
      if (!dunning.retryInFlight) {
        refused(
          state,
          event,
          `no retry is in flight; the next is due at ${dunning.nextRetryAt.toISOString()}`,
        );
      }
      const retriesDone = dunning.retriesDone + 1;
      const nextDelay = DUNNING_RETRY_DAYS[retriesDone];
      if (nextDelay === undefined) {
        return {
          state: canceled(state, now, 'payment_failed', addDays(now, REACTIVATION_WINDOW_DAYS)),
          effects: [voidInvoice(invoice, 'uncollectible'), REVOKE],
        };
      }
      const nextRetryAt = addDays(dunning.failedAt, nextDelay);
      return {
        state: { ...state, dunning: { ...dunning, retriesDone, nextRetryAt, retryInFlight: false } },
        effects: [scheduleRetry(invoice, retriesDone + 1, nextRetryAt)],
      };
    },
    // Renewal waits for dunning: once the invoice is paid (active) the late tick renews from the period
    // end, so no time is lost; if dunning gives up (canceled) there is nothing to renew.
    periodEnded: refuse('dunning comes first; the period end is handled once it is settled'),
    dunningRetryDue: (state, event, now) => {
      const { dunning } = state;
      if (dunning.retryInFlight) refused(state, event, 'a retry is already in flight');
      notBefore(state, event, now, dunning.nextRetryAt, 'the next retry is due at');
      return {
        state: { ...state, dunning: { ...dunning, retryInFlight: true } },
        effects: [charge(dunning.invoice, dunning.retriesDone + 2)],
      };
    },
    cancel: (state, event, now) => {
      if (event.atPeriodEnd) {
        if (state.cancelAtPeriodEnd) refused(state, event, 'it already cancels at the end of its period');
        return { state: { ...state, cancelAtPeriodEnd: true }, effects: [] };
      }
      return cancelNow(state, state.dunning.invoice, now);
    },
    reactivate: (state, event) => {
      if (!state.cancelAtPeriodEnd) refused(state, event, 'it is not canceling');
      return { state: { ...state, cancelAtPeriodEnd: false }, effects: [] };
    },
    changePlan: refuse('its overdue invoice must be paid first'),
    expire: refuse('a past-due subscription is canceled when dunning gives up; it does not expire'),
  },

  canceled: {
    start: refuse(STARTED),
    paymentSucceeded: refuse('no invoice of a canceled subscription awaits payment'),
    paymentFailed: refuse('no invoice of a canceled subscription awaits payment'),
    periodEnded: refuse('a canceled subscription does not renew'),
    dunningRetryDue: refuse('a canceled subscription is not charged'),
    cancel: refuse('it is already canceled'),
    reactivate: (state, event, now) => {
      if (now.getTime() >= state.expiresAt.getTime()) {
        refused(state, event, `its reactivation window closed at ${state.expiresAt.toISOString()}`);
      }
      return reactivateCanceled(state, event.invoiceId, now);
    },
    changePlan: refuse('reactivate it first'),
    expire: (state, event, now) => {
      notBefore(state, event, now, state.expiresAt, 'it can be reactivated until');
      // Premium features went when it was canceled; expiring closes the window and keeps the data.
      return { state: { ...terms(state), status: 'expired', expiredAt: now }, effects: [] };
    },
  },

  expired: {
    start: refuse(STARTED),
    paymentSucceeded: refuse(OVER),
    paymentFailed: refuse(OVER),
    periodEnded: refuse(OVER),
    dunningRetryDue: refuse(OVER),
    cancel: refuse(OVER),
    reactivate: refuse(OVER),
    changePlan: refuse(OVER),
    expire: refuse(OVER),
  },
};

function expectInvoice(
  state: SubscriptionState,
  event: EventOf<'paymentSucceeded' | 'paymentFailed'>,
  open: OpenInvoice | null,
): OpenInvoice {
  if (open === null) return refused(state, event, 'no invoice awaits payment');
  if (open.id !== event.invoiceId) {
    return refused(state, event, `invoice ${event.invoiceId} is not the one awaiting payment (${open.id})`);
  }
  return open;
}

function scheduleRetry(invoice: OpenInvoice, retry: number, at: Date): LifecycleEffect {
  return { type: 'scheduleDunningRetry', invoiceId: invoice.id, retry, at };
}

function startDunning(state: ActiveSubscription, invoice: OpenInvoice, now: Date): Transition {
  const nextRetryAt = addDays(now, DUNNING_RETRY_DAYS[0]);
  return {
    state: {
      ...terms(state),
      status: 'past_due',
      cancelAtPeriodEnd: state.cancelAtPeriodEnd,
      dunning: { invoice, failedAt: now, retriesDone: 0, nextRetryAt, retryInFlight: false },
    },
    effects: [scheduleRetry(invoice, 1, nextRetryAt)],
  };
}

/**
 * Cancel now: access ends, the unpaid invoice (if any) is voided, and no credit is given for the rest
 * of the period (canceling at period end is how a customer keeps what was paid for).
 */
function cancelNow(state: SubscriptionState, open: OpenInvoice | null, now: Date): Transition {
  return {
    state: canceled(state, now, 'requested', addDays(now, REACTIVATION_WINDOW_DAYS)),
    effects: [...(open === null ? [] : [voidInvoice(open, 'canceled')]), REVOKE],
  };
}

/** The next period: a scheduled downgrade applies first, the trial (if any) ends, its invoice is charged. */
function renew(state: ActiveSubscription, invoiceId: string): Transition {
  const change = state.pendingChange;
  const next: Terms = {
    ...terms(state),
    plan: change?.plan ?? state.plan,
    seats: change?.seats ?? state.seats,
    period: periodAfter(state.anchor, state.cycle, state.period),
  };
  const invoice = periodInvoice(next, invoiceId, state.trialEndsAt === null ? 'renewal' : 'first_period');
  return {
    state: active(next, { openInvoice: invoice.open, creditBalanceCents: invoice.creditBalanceCents }),
    effects: [...publishIfChanged(state, next), ...invoice.effects],
  };
}

/** A new paid period from now (a new anchor); pending until paid unless it costs nothing. */
function reactivateCanceled(state: CanceledSubscription, invoiceId: string, now: Date): Transition {
  const next: Terms = { ...terms(state), anchor: now, period: firstPeriod(now, state.cycle) };
  const invoice = periodInvoice(next, invoiceId, 'reactivation');
  if (invoice.open === null) {
    return {
      state: active(next, { creditBalanceCents: invoice.creditBalanceCents }),
      effects: [...invoice.effects, publish(next.plan)],
    };
  }
  return {
    state: {
      ...next,
      status: 'pending',
      creditBalanceCents: invoice.creditBalanceCents,
      invoice: invoice.open,
      expiresAt: addDays(now, PENDING_PAYMENT_DAYS),
    },
    effects: invoice.effects,
  };
}

/**
 * A plan or seat change. During a trial it applies at once and costs nothing (nothing was paid). After
 * it, an upgrade (a higher seat price, or a higher amount per cycle) applies at once with a proration
 * invoice; anything else is a downgrade, stored and applied at the period's end with no proration.
 * Asking for the current terms withdraws a scheduled downgrade.
 */
function changePlan(state: ActiveSubscription, event: EventOf<'changePlan'>, now: Date): Transition {
  const issues = new InputIssues();
  checkSeats(event.seats, issues);
  const price = agreedSeatPrice(event.plan, event.customSeatPriceMonthlyCents, issues);
  issues.throwIfAny();
  if (state.cancelAtPeriodEnd)
    refused(state, event, 'it cancels at the end of its period: reactivate it first');
  if (state.openInvoice !== null) {
    refused(state, event, `invoice ${state.openInvoice.id} is still awaiting its payment result`);
  }
  if (!isWithin(state.period, now)) refused(state, event, 'its period has ended: it renews first');

  const plan = subscribedPlan(event.plan, price);
  const sameTerms =
    plan.id === state.plan.id &&
    plan.seatPriceMonthlyCents === state.plan.seatPriceMonthlyCents &&
    event.seats === state.seats;
  if (sameTerms) {
    if (state.pendingChange === null) refused(state, event, 'it already has this plan and these seats');
    return { state: { ...state, pendingChange: null }, effects: [] };
  }
  const entitlementEffects = publishIfChanged(state, { ...state, plan, seats: event.seats });
  if (state.trialEndsAt !== null) {
    return {
      state: { ...state, plan, seats: event.seats, pendingChange: null },
      effects: entitlementEffects,
    };
  }
  const from = seatCharge(state.plan, state.seats, state.cycle);
  const to = seatCharge(plan, event.seats, state.cycle);
  const upgrade = to.seatPriceCents > from.seatPriceCents || cycleAmount(to) > cycleAmount(from);
  if (!upgrade) {
    return { state: { ...state, pendingChange: { plan, seats: event.seats } }, effects: [] };
  }

  const prorated = proration({ period: state.period, at: now, from, to });
  const rest: BillingPeriod = { start: now, end: state.period.end };
  const lines: InvoiceLine[] = [];
  if (prorated.creditCents > 0n) {
    lines.push({
      kind: 'proration_credit',
      description: `Unused time on ${state.plan.name}, ${seatsLabel(state.seats)}`,
      planId: state.plan.id,
      seats: state.seats,
      period: rest,
      amountCents: -prorated.creditCents,
    });
  }
  if (prorated.chargeCents > 0n) {
    lines.push({
      kind: 'proration_charge',
      description: `Remaining time on ${plan.name}, ${seatsLabel(event.seats)}`,
      planId: plan.id,
      seats: event.seats,
      period: rest,
      amountCents: prorated.chargeCents,
    });
  }
  const invoice = invoiceEffects(event.invoiceId, 'proration', lines, state.creditBalanceCents);
  return {
    state: {
      ...state,
      plan,
      seats: event.seats,
      pendingChange: null,
      openInvoice: invoice.open,
      creditBalanceCents: invoice.creditBalanceCents,
    },
    effects: [...entitlementEffects, ...invoice.effects],
  };
}

// ---------------------------------------------------------------------------------------------------
// Entry points

function dispatch<State extends SubscriptionState>(
  handlers: Handlers<State>,
  state: State,
  event: LifecycleEvent,
  now: Date,
): Transition {
  switch (event.type) {
    case 'start':
      return handlers.start(state, event, now);
    case 'paymentSucceeded':
      return handlers.paymentSucceeded(state, event, now);
    case 'paymentFailed':
      return handlers.paymentFailed(state, event, now);
    case 'periodEnded':
      return handlers.periodEnded(state, event, now);
    case 'dunningRetryDue':
      return handlers.dunningRetryDue(state, event, now);
    case 'cancel':
      return handlers.cancel(state, event, now);
    case 'reactivate':
      return handlers.reactivate(state, event, now);
    case 'changePlan':
      return handlers.changePlan(state, event, now);
    case 'expire':
      return handlers.expire(state, event, now);
    default:
      return unreachable(event);
  }
}

function unreachable(_value: never): never {
  throw new Error('unreachable: a case is missing');
}

/**
 * The next state and the effects to carry out. Refused transitions throw CONFLICT naming the status
 * and the event (`details.status`, `details.event`, `details.reason`); invalid input (seats, prices)
 * throws BAD_USER_INPUT. The state passed in is never modified.
 */
export function transition(state: SubscriptionState, event: LifecycleEvent, now: Date): Transition {
  switch (state.status) {
    case 'pending':
      return dispatch(TRANSITIONS.pending, state, event, now);
    case 'active':
      return dispatch(TRANSITIONS.active, state, event, now);
    case 'past_due':
      return dispatch(TRANSITIONS.past_due, state, event, now);
    case 'canceled':
      return dispatch(TRANSITIONS.canceled, state, event, now);
    case 'expired':
      return dispatch(TRANSITIONS.expired, state, event, now);
    default:
      return unreachable(state);
  }
}

/**
 * A live Free subscription that a newly started one replaces: it ends now, as expired (Free bills
 * nothing, so there is nothing to settle or reactivate). Refused for anything but an active subscription
 * that costs nothing.
 */
export function replaceFree(state: SubscriptionState, now: Date): ExpiredSubscription {
  if (state.status !== 'active' || state.plan.seatPriceMonthlyCents !== 0n) {
    throw illegalTransition(state.status, 'start', 'only a subscription that costs nothing is replaced');
  }
  return { ...terms(state), status: 'expired', expiredAt: now };
}

export type TimedEventType = 'periodEnded' | 'dunningRetryDue' | 'expire';

/**
 * The next clock event the scheduler owes this subscription, and when; null when none is (expired, or
 * a retry awaiting its result). A timed event sent early, or made stale by another event, is refused.
 */
export function nextDeadline(state: SubscriptionState): { event: TimedEventType; at: Date } | null {
  switch (state.status) {
    case 'pending':
      return { event: 'expire', at: state.expiresAt };
    case 'active':
      return { event: 'periodEnded', at: state.period.end };
    case 'past_due':
      return state.dunning.retryInFlight ? null : { event: 'dunningRetryDue', at: state.dunning.nextRetryAt };
    case 'canceled':
      return { event: 'expire', at: state.expiresAt };
    case 'expired':
      return null;
    default:
      return unreachable(state);
  }
}
