import { randomUUID } from 'node:crypto';
import {
  conflict,
  InputIssues,
  isDomainError,
  isUuid,
  notFound,
  organizationOf,
  type Actor,
} from '@platform/domain';
import { PLAN_IDS, SEATED_PLAN_IDS, type CatalogEvent } from '@platform/events/catalog';
import type { Clock } from '../../../clock';
import { isPlanId, type PlanId } from '../../plan/domain/plan';
import { invoiceIssued, invoiceNumber, invoiceStatusChanged, type InvoiceRecord } from './invoice';
import {
  nextDeadline,
  replaceFree,
  startSubscription,
  transition,
  type LifecycleEffect,
  type LifecycleEvent,
  type SubscriptionState,
  type Transition,
} from './lifecycle';
import type { Cents } from './proration';
import {
  grantsAccess,
  LIVE_STATUSES,
  SIGN_UP_PLAN,
  subscriptionActivated,
  subscriptionUpdated,
  withState,
  type BillingCycle,
  type Subscription,
  type SubscriptionChange,
} from './subscription';
import type { SubscriptionRepository, SubscriptionTransaction } from './subscription-repository';

/** What `startSubscription` takes from the caller (as the graph sends it). */
export interface StartSubscriptionInput {
  planId: string;
  /** Monthly when absent. */
  billingCycle?: BillingCycle | null;
  seats: number;
  trialDays?: number | null;
  customSeatPriceMonthlyCents?: string | null;
}

/** What `changeSubscriptionPlan` takes from the caller (as the graph sends it). */
export interface ChangePlanInput {
  planId: string;
  seats: number;
  customSeatPriceMonthlyCents?: string | null;
}

const CENTS = /^(0|[1-9][0-9]{0,15})$/;
const INVOICE_NUMBER = /^INV-([0-9]{6,9})$/;
export const MAX_INVOICE_PAGE = 100;

/** The plan and custom price of an input, every problem reported at once. */
function parseTerms(input: { planId: string; customSeatPriceMonthlyCents?: string | null }): {
  planId: PlanId;
  customSeatPriceMonthlyCents?: Cents;
} {
  const issues = new InputIssues();
  if (!isPlanId(input.planId)) issues.add('planId', `must be one of ${PLAN_IDS.join(', ')}`);
  const custom = input.customSeatPriceMonthlyCents;
  if (custom !== undefined && custom !== null && !CENTS.test(custom)) {
    issues.add('customSeatPriceMonthlyCents', 'must be a whole number of cents, 0 or more, as digits');
  }
  issues.throwIfAny();
  if (!isPlanId(input.planId)) throw new Error('unreachable: planId was checked');
  return {
    planId: input.planId,
    ...(custom !== undefined && custom !== null ? { customSeatPriceMonthlyCents: BigInt(custom) } : {}),
  };
}

/** A page of invoices: `first` 1–100, `before` an invoice number of the organization's. */
function parseInvoicePage(first: number, before: string | null | undefined) {
  const issues = new InputIssues();
  if (!Number.isSafeInteger(first) || first < 1 || first > MAX_INVOICE_PAGE) {
    issues.add('first', `must be from 1 to ${MAX_INVOICE_PAGE}`);
  }
  const match = before === null || before === undefined ? null : INVOICE_NUMBER.exec(before);
  if (before !== null && before !== undefined && !match)
    issues.add('before', 'must be an invoice number like INV-000021');
  issues.throwIfAny();
  return { first, beforeSequence: match?.[1] === undefined ? null : Number(match[1]) };
}

/** A payment's final outcome, as the payment module reports it (once per attempt). */
export interface PaymentSettled {
  organizationId: string;
  invoiceId: string;
  attempt: number;
  status: 'succeeded' | 'failed';
  failureCode: string | null;
}

/** What a Free subscription is recorded in: it costs nothing, so it fixes no currency. */
const FREE_CURRENCY = 'USD';

/** The most timed events one subscription catches up on in one pass (a year of monthly renewals and more). */
const MAX_CATCH_UP = 24;

/** The subscription use cases. Who may call them is declared in the SDL (billing:read, billing:manage). */
export function subscriptionOperations(repository: SubscriptionRepository, clock: Clock) {
  function live(subscription: Subscription | null): Subscription | null {
    return subscription && LIVE_STATUSES.includes(subscription.status) ? subscription : null;
  }

  async function requireLive(store: SubscriptionTransaction, organizationId: string): Promise<Subscription> {
    const subscription = live(await store.lockLatest(organizationId));
    if (!subscription) throw conflict('The organization has no subscription that is not over', {});
    return subscription;
  }

  return {
    /**
     * The newest subscription of each organization (whatever its status: a canceled or expired one
     * says so). Only an organization itself sees its own: for anyone else it reads as null.
     */
    async latestOf(actor: Actor, organizationIds: readonly string[]): Promise<Array<Subscription | null>> {
      const own = actor.organizationId;
      if (!own || !organizationIds.includes(own)) return organizationIds.map(() => null);
      const latest = await repository.latestOf([own]);
      return organizationIds.map((id) => (id === own ? (latest.get(own) ?? null) : null));
    },

    /** The organization's invoices, newest first; another organization's read as null. */
    async invoicesOf(
      actor: Actor,
      organizationId: string,
      first: number,
      before: string | null | undefined,
    ): Promise<InvoiceRecord[] | null> {
      const page = parseInvoicePage(first, before);
      if (actor.organizationId !== organizationId) return null;
      return repository.invoices(organizationId, page);
    },

    /** One invoice of the caller's organization; null when there is none with that id. */
    invoice(actor: Actor, id: string): Promise<InvoiceRecord | null> {
      const organizationId = organizationOf(actor);
      const issues = new InputIssues();
      if (!isUuid(id)) issues.add('id', 'must be a UUID');
      issues.throwIfAny();
      return repository.invoice(organizationId, id);
    },

    /**
     * Starts a subscription: a trial, active at once when it costs nothing, otherwise pending until its
     * first invoice is paid. A live Free subscription is replaced; any other live one must be changed or
     * canceled instead (CONFLICT).
     */
    start(actor: Actor, input: StartSubscriptionInput): Promise<Subscription> {
      const organizationId = organizationOf(actor);
      return repository.inTransaction(organizationId, async (store) => {
        const now = clock.now();
        const current = live(await store.lockLatest(organizationId));
        if (current && !(current.status === 'active' && current.state.plan.seatPriceMonthlyCents === 0n)) {
          throw conflict('The organization already has a subscription: change its plan or cancel it first', {
            subscriptionId: current.id,
            status: current.status,
          });
        }
        const { planId, ...price } = parseTerms(input);
        const currency = await store.billingCurrency(organizationId, now);
        const plan = await store.pricedPlan(planId, currency);
        const started = startSubscription(
          {
            plan,
            cycle: input.billingCycle ?? 'monthly',
            seats: input.seats,
            ...(input.trialDays ? { trialDays: input.trialDays } : {}),
            ...price,
            invoiceId: randomUUID(),
          },
          now,
        );
        const events: CatalogEvent[] = [];
        if (current) {
          const replaced = await store.save(withState(current, replaceFree(current.state, now)));
          events.push(subscriptionUpdated(replaced, 'replaced', current.status, now));
        } else {
          // A canceled subscription's seats go with it: the new one starts with the starter's seat only.
          events.push(...(await store.releaseSeats(organizationId, now)));
        }
        const subscription = await store.add(
          newSubscription(organizationId, actor.userId, currency, started.state, now),
        );
        events.push(...(await carryOut(store, subscription, started.effects, now)));
        if (actor.userId && subscription.state.plan.seatPriceMonthlyCents > 0n) {
          const seat = { organizationId, subscriptionId: subscription.id, userId: actor.userId, at: now };
          events.push(...(await store.assignInitialSeat(seat)));
        }
        events.push(subscriptionUpdated(subscription, 'started', null, now));
        if (subscription.status === 'active') {
          events.push(subscriptionActivated(subscription, now));
        }
        await store.append(events);
        return subscription;
      });
    },

    /** An upgrade now with its proration invoice, a downgrade at the period's end (lifecycle.ts). */
    changePlan(actor: Actor, input: ChangePlanInput): Promise<Subscription> {
      const organizationId = organizationOf(actor);
      return repository.inTransaction(organizationId, async (store) => {
        const { planId, ...price } = parseTerms(input);
        const live = await requireLive(store, organizationId);
        // Free fixed no currency: leaving it fixes the organization's billing currency, as a start does.
        const currency =
          live.state.plan.seatPriceMonthlyCents === 0n
            ? await store.billingCurrency(organizationId, clock.now())
            : live.currency;
        const current = { ...live, currency };
        const plan = await store.pricedPlan(planId, currency);
        if (plan.seatPriceMonthlyCents !== 0) {
          const assigned = await store.assignedSeatCount(organizationId);
          if (Number.isSafeInteger(input.seats) && input.seats < assigned) {
            throw conflict(
              `${assigned} seats are assigned: unassign some before going down to ${input.seats}`,
              {
                assigned,
                seats: input.seats,
              },
            );
          }
        }
        const event: LifecycleEvent = {
          type: 'changePlan',
          plan,
          seats: input.seats,
          ...price,
          invoiceId: randomUUID(),
        };
        return apply(store, current, event, clock.now());
      });
    },

    /** Cancels at the period's end (keeping what was paid for) or at once. */
    cancel(actor: Actor, atPeriodEnd: boolean): Promise<Subscription> {
      const organizationId = organizationOf(actor);
      return repository.inTransaction(organizationId, async (store) => {
        const current = await requireLive(store, organizationId);
        return apply(store, current, { type: 'cancel', atPeriodEnd }, clock.now());
      });
    },

    /**
     * Charges an open invoice again now, with the payment method on file: a pending subscription's first
     * invoice after its charge failed, or an overdue one before dunning's next retry. CONFLICT while a
     * charge of it is in flight or when the subscription does not wait for it.
     */
    payInvoice(actor: Actor, invoiceId: string): Promise<InvoiceRecord> {
      const organizationId = organizationOf(actor);
      const issues = new InputIssues();
      if (!isUuid(invoiceId)) issues.add('id', 'must be a UUID');
      issues.throwIfAny();
      return repository.inTransaction(organizationId, async (store) => {
        const invoice = await store.lockInvoice(organizationId, invoiceId);
        if (!invoice) throw notFound('Invoice', invoiceId);
        if (invoice.status !== 'open') {
          throw conflict(`Invoice ${invoiceNumber(invoice.sequence)} is ${invoice.status}: nothing to pay`, {
            status: invoice.status,
          });
        }
        const subscription = await store.lock(organizationId, invoice.subscriptionId);
        const state = subscription?.state;
        const waiting =
          (state?.status === 'pending' && state.invoice.id === invoice.id) ||
          (state?.status === 'past_due' &&
            state.dunning.invoice.id === invoice.id &&
            !state.dunning.retryInFlight);
        if (!waiting) {
          throw conflict(
            'This invoice is being charged already, or its subscription no longer waits for it',
            {
              status: state?.status ?? null,
            },
          );
        }
        // One charge of an invoice at a time: a second one while the first has no outcome yet could
        // collect it twice. That includes a charge waiting for the customer's authentication, which may
        // still succeed; the customer completes or declines it (its next action) before paying anew.
        const inFlight = await store.paymentInFlight(invoice.id);
        if (inFlight) {
          throw conflict(
            `Invoice ${invoiceNumber(invoice.sequence)} has a charge without an outcome yet (${inFlight})`,
            { status: state?.status ?? null, payment: inFlight },
          );
        }
        const attempt = invoice.attemptCount + 1;
        await store.recordChargeAttempt(invoice, attempt);
        await store.requestPayment({
          organizationId,
          invoiceId: invoice.id,
          attempt,
          amountCents: invoice.amountDueCents,
          currency: invoice.currency,
        });
        return { ...invoice, attemptCount: attempt };
      });
    },

    /** Withdraws a cancellation at the period's end, or brings a canceled subscription back in its window. */
    reactivate(actor: Actor): Promise<Subscription> {
      const organizationId = organizationOf(actor);
      return repository.inTransaction(organizationId, async (store) => {
        const latest = await store.lockLatest(organizationId);
        if (!latest) throw conflict('The organization has no subscription to reactivate', {});
        return apply(store, latest, { type: 'reactivate', invoiceId: randomUUID() }, clock.now());
      });
    },
  };
}

export type SubscriptionOperations = ReturnType<typeof subscriptionOperations>;

function newSubscription(
  organizationId: string,
  createdBy: string | null,
  currency: string,
  state: SubscriptionState,
  now: Date,
): Subscription {
  return withState(
    {
      id: randomUUID(),
      organizationId,
      planId: state.plan.id,
      status: state.status,
      billingCycle: state.cycle,
      seatsLimit: state.seats,
      startDate: now,
      endDate: null,
      createdBy,
      externalReference: null,
      currency,
      metadata: {},
      state,
      createdAt: now,
      updatedAt: now,
    },
    state,
  );
}

/** What a lifecycle step is called in billing.subscription.updated.v1. */
function changeOf(
  before: SubscriptionState,
  event: LifecycleEvent,
  after: SubscriptionState,
): SubscriptionChange {
  if (after.status === 'canceled' && before.status !== 'canceled') return 'canceled';
  if (after.status === 'expired') return 'expired';
  switch (event.type) {
    case 'start':
      return 'started';
    case 'paymentSucceeded':
      return before.status === 'pending' ? 'activated' : 'payment_recovered';
    case 'paymentFailed':
      return 'payment_failed';
    case 'periodEnded':
    case 'dunningRetryDue':
      return 'renewed';
    case 'cancel':
      return 'cancel_scheduled';
    case 'reactivate':
      return before.status === 'canceled' ? 'reactivated' : 'cancel_withdrawn';
    case 'changePlan':
      if (after.status === 'active' && after.pendingChange) return 'downgrade_scheduled';
      if (
        before.status === 'active' &&
        before.pendingChange &&
        after.status === 'active' &&
        !after.pendingChange
      ) {
        return before.plan.id === after.plan.id && before.seats === after.seats
          ? 'downgrade_withdrawn'
          : 'plan_changed';
      }
      return 'plan_changed';
    case 'expire':
      return 'expired';
  }
}

/** One lifecycle step: the transition, its state saved, its effects carried out and its events written. */
async function apply(
  store: SubscriptionTransaction,
  subscription: Subscription,
  event: LifecycleEvent,
  now: Date,
): Promise<Subscription> {
  const step: Transition = transition(subscription.state, event, now);
  const next = await store.save(withState(subscription, step.state));
  const events = await carryOut(store, next, step.effects, now);
  if (next.status === 'expired' && subscription.status !== 'expired') {
    events.push(...(await store.releaseSeats(next.organizationId, now)));
  } else if (
    grantsAccess(next) &&
    SEATED_PLAN_IDS.includes(next.planId) &&
    step.state.seats < subscription.state.seats
  ) {
    // Fewer seats now (a scheduled decrease applied at renewal): the seat rules gave out no more than
    // it allows, and should some be held anyway the newest go, so no more are held than are paid for.
    const limit = step.state.seats;
    events.push(...(await store.releaseSeatsOver({ organizationId: next.organizationId, limit, at: now })));
  }
  // A retry's charge and a renewal's payment change nothing anyone follows; every other step is news.
  const silent =
    event.type === 'dunningRetryDue' ||
    (event.type === 'paymentSucceeded' && subscription.status === 'active');
  if (!silent) {
    events.push(
      subscriptionUpdated(next, changeOf(subscription.state, event, step.state), subscription.status, now),
    );
  }
  if (next.status === 'active' && subscription.status !== 'active' && subscription.status !== 'past_due') {
    events.push(subscriptionActivated(next, now));
  }
  await store.append(events);
  return next;
}

/** Carries out a transition's effects in order; answers the events they imply. */
async function carryOut(
  store: SubscriptionTransaction,
  subscription: Subscription,
  effects: readonly LifecycleEffect[],
  now: Date,
): Promise<CatalogEvent[]> {
  const events: CatalogEvent[] = [];
  const { organizationId } = subscription;
  for (const effect of effects) {
    switch (effect.type) {
      case 'issueInvoice': {
        const issued = await store.issueInvoice({
          invoice: effect.invoice,
          subscription,
          currency: subscription.currency,
          at: now,
        });
        events.push(invoiceIssued(issued));
        break;
      }
      case 'chargeInvoice': {
        const invoice = await store.lockInvoice(organizationId, effect.invoiceId);
        if (!invoice) throw new Error(`invoice ${effect.invoiceId} to charge is missing`);
        // The lifecycle numbers its own charges (1, then the dunning retries); a payment by hand in
        // between took a number too, so a charge is always the invoice's next attempt. Reusing a
        // number would be skipped as a duplicate request, and the retry would never be sent.
        const attempt = Math.max(effect.attempt, invoice.attemptCount + 1);
        await store.recordChargeAttempt(invoice, attempt);
        await store.requestPayment({
          organizationId,
          invoiceId: invoice.id,
          attempt,
          amountCents: effect.amountCents,
          currency: invoice.currency,
        });
        break;
      }
      case 'voidInvoice': {
        const invoice = await store.lockInvoice(organizationId, effect.invoiceId);
        if (!invoice) throw new Error(`invoice ${effect.invoiceId} to void is missing`);
        const status = effect.reason === 'uncollectible' ? 'uncollectible' : 'void';
        const changed = await store.setInvoiceStatus(invoice, { status, at: now, reason: effect.reason });
        events.push(invoiceStatusChanged(changed, invoice.status, effect.reason, now));
        break;
      }
      case 'scheduleDunningRetry':
        // The retry's time is part of the state: saving it set the scheduler's next_action_at.
        break;
      case 'publishEntitlements':
        await store.publishEntitlements({
          organizationId,
          subscriptionId: subscription.id,
          planId: effect.planId,
          status: subscription.status,
          entitlements: { ...effect.entitlements, seats: subscription.state.seats },
          at: now,
        });
        break;
      case 'revokePremiumFeatures': {
        const fallback = await store.plan(effect.fallbackPlanId);
        await store.publishEntitlements({
          organizationId,
          subscriptionId: subscription.id,
          planId: fallback.id,
          status: subscription.status,
          entitlements: { ...fallback.features, seats: fallback.defaultSeats },
          at: now,
        });
        break;
      }
    }
  }
  return events;
}

/**
 * The scheduler's work on one subscription: every timed event that is due by `now` (period ends,
 * dunning retries, expiries), in order, catching up on any it missed. Stops at the first one the
 * lifecycle refuses (e.g. a renewal whose invoice still awaits its payment result): it comes back when
 * that result arrives.
 */
export async function runDueEvents(
  store: SubscriptionTransaction,
  organizationId: string,
  subscriptionId: string,
  now: Date,
): Promise<number> {
  let subscription = await store.lock(organizationId, subscriptionId);
  let handled = 0;
  while (subscription && handled < MAX_CATCH_UP) {
    const deadline = nextDeadline(subscription.state);
    if (!deadline || deadline.at.getTime() > now.getTime()) break;
    const event: LifecycleEvent =
      deadline.event === 'periodEnded'
        ? { type: 'periodEnded', invoiceId: randomUUID() }
        : { type: deadline.event };
    try {
      subscription = await apply(store, subscription, event, now);
    } catch (error) {
      if (isDomainError(error) && error.code === 'CONFLICT') break;
      throw error;
    }
    handled += 1;
  }
  return handled;
}

/**
 * A payment's outcome, in the transaction that records it: the invoice is paid (or stays open), and
 * the subscription takes the step the lifecycle decides (activated, recovered, past due, dunning's
 * next retry or its end). An outcome the subscription no longer waits for (its invoice was voided, a
 * newer attempt is in flight) changes only the invoice.
 */
export async function settlePayment(
  store: SubscriptionTransaction,
  settled: PaymentSettled,
  now: Date,
): Promise<void> {
  const invoice = await store.lockInvoice(settled.organizationId, settled.invoiceId);
  if (!invoice) return;
  const events: CatalogEvent[] = [];
  if (settled.status === 'succeeded' && invoice.status === 'open') {
    const paid = await store.setInvoiceStatus(invoice, { status: 'paid', at: now, reason: null });
    events.push(invoiceStatusChanged(paid, invoice.status, null, now));
  }
  await store.append(events);
  if (settled.attempt < invoice.attemptCount) return;
  const subscription = await store.lock(settled.organizationId, invoice.subscriptionId);
  if (!subscription) return;
  const event: LifecycleEvent =
    settled.status === 'succeeded'
      ? { type: 'paymentSucceeded', invoiceId: invoice.id }
      : { type: 'paymentFailed', invoiceId: invoice.id };
  try {
    await apply(store, subscription, event, now);
  } catch (error) {
    if (isDomainError(error) && error.code === 'CONFLICT') return;
    throw error;
  }
}

/**
 * Sign-up provisioning: a new organization gets the sign-up plan, active from `at` (it costs nothing:
 * no invoice), and its entitlements. Idempotent per organization: one that already has a subscription
 * keeps it, and nothing is implied.
 */
export async function provisionSignUpPlan(
  store: SubscriptionTransaction,
  organizationId: string,
  at: Date,
): Promise<Subscription> {
  const existing = await store.lockLatest(organizationId);
  if (existing) return existing;
  const plan = await store.plan(SIGN_UP_PLAN);
  const started = startSubscription(
    { plan, cycle: 'monthly', seats: plan.defaultSeats ?? 1, invoiceId: randomUUID() },
    at,
  );
  // Free costs nothing in any currency: it fixes none (the first paid subscription does).
  const subscription = await store.add(
    newSubscription(organizationId, null, FREE_CURRENCY, started.state, at),
  );
  const events = await carryOut(store, subscription, started.effects, at);
  events.push(
    subscriptionUpdated(subscription, 'started', null, at),
    subscriptionActivated(subscription, at),
  );
  await store.append(events);
  return subscription;
}
