/**
 * Money, invoices and proration. No Prisma or GraphQL here.
 *
 * Amounts are `bigint` minor units (cents). bigint rather than number because the checker then refuses
 * any mix with floating point (`cents * 0.5` does not compile), and because the proration numerator
 * (price × seats × seconds) passes 2^53 for large annual subscriptions even though every amount that
 * comes out of it is small. The edges (database, GraphQL, events) convert.
 *
 * Rounding: one rule everywhere, round half to even ("banker's rounding") on the exact quotient: a
 * prorated amount that lands exactly on half a cent goes to the even cent, so over many prorations
 * ties favour neither us nor the customer. Anything not a tie goes to the nearest cent.
 */
import { InputIssues } from '@platform/domain';
import type { PlanId } from '../../plan/domain/plan';
import { CYCLE_MONTHS, type BillingPeriod } from './billing-period';
import type { BillingCycle } from './subscription';

/** An amount of money in cents (USD minor units). */
export type Cents = bigint;

/**
 * A plan's price in cents, as the plan rows hold it (a JavaScript number), checked to be a whole,
 * non-negative, safe integer so that the conversion is exact.
 */
export function centsFrom(amount: number, path = 'amountCents'): Cents {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    new InputIssues().add(path, 'must be a whole, non-negative number of cents').throwIfAny();
  }
  return BigInt(amount);
}

/**
 * `numerator / denominator` rounded to the nearest integer, a tie going to the even neighbour. Exact:
 * bigint division truncates towards zero, and the remainder decides the rounding.
 */
export function divideRoundHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let quotient = n / d;
  const twiceRemainder = (n % d) * 2n;
  if (twiceRemainder > d || (twiceRemainder === d && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}

/** The price of one seat for one cycle: annual is twelve months (plans have no annual price today). */
export function seatPriceForCycle(seatPriceMonthlyCents: Cents, cycle: BillingCycle): Cents {
  return seatPriceMonthlyCents * BigInt(CYCLE_MONTHS[cycle]);
}

/** What a subscription costs for one full cycle: seats × the seat price for the cycle. */
export function cycleAmount(charge: SeatCharge): Cents {
  return charge.seatPriceCents * BigInt(charge.seats);
}

/** A number of seats at a price per seat for one cycle. */
export interface SeatCharge {
  seatPriceCents: Cents;
  seats: number;
}

/** Whole seconds since the epoch (floored), the unit of the unused fraction. */
function wholeSeconds(at: Date): bigint {
  const milliseconds = BigInt(at.getTime());
  return milliseconds >= 0n ? milliseconds / 1000n : -((-milliseconds + 999n) / 1000n);
}

export interface Proration {
  /** Seconds from the change to the end of the period. */
  unusedSeconds: bigint;
  /** Seconds in the whole period. */
  periodSeconds: bigint;
  /** What the unused part of the old charge is worth (non-negative; the invoice line is its negative). */
  creditCents: Cents;
  /** What the new charge costs for the unused part. */
  chargeCents: Cents;
  /** charge − credit; negative means the customer is owed money (carried as a credit balance). */
  totalCents: Cents;
}

/**
 * The documented formula for a change at `at` inside `period` = [start, end):
 *
 *   unused = (end − at) / (end − start), each instant in whole seconds (floored)
 *   credit = round(old seat price × old seats × unused)
 *   charge = round(new seat price × new seats × unused)
 *   total  = charge − credit
 *
 * with seat prices for the subscription's cycle and round = half to even. Each product is divided once,
 * so no intermediate is rounded.
 */
export function proration(input: {
  period: BillingPeriod;
  at: Date;
  from: SeatCharge;
  to: SeatCharge;
}): Proration {
  const { period, at, from, to } = input;
  const issues = new InputIssues();
  const start = wholeSeconds(period.start);
  const end = wholeSeconds(period.end);
  const now = wholeSeconds(at);
  if (end <= start) issues.add('period', 'must end at least a second after it starts');
  else if (now < start || now >= end) issues.add('at', 'must fall inside the period');
  for (const [path, charge] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (charge.seatPriceCents < 0n) issues.add(`${path}.seatPriceCents`, 'must not be negative');
    if (!Number.isSafeInteger(charge.seats) || charge.seats < 0) {
      issues.add(`${path}.seats`, 'must be a whole, non-negative number');
    }
  }
  issues.throwIfAny();
  const unusedSeconds = end - now;
  const periodSeconds = end - start;
  const creditCents = divideRoundHalfEven(cycleAmount(from) * unusedSeconds, periodSeconds);
  const chargeCents = divideRoundHalfEven(cycleAmount(to) * unusedSeconds, periodSeconds);
  return { unusedSeconds, periodSeconds, creditCents, chargeCents, totalCents: chargeCents - creditCents };
}

export const INVOICE_KINDS = ['first_period', 'renewal', 'proration', 'reactivation'] as const;
export type InvoiceKind = (typeof INVOICE_KINDS)[number];

export const INVOICE_LINE_KINDS = [
  'subscription',
  'proration_credit',
  'proration_charge',
  'credit_balance_applied',
  'usage',
] as const;
export type InvoiceLineKind = (typeof INVOICE_LINE_KINDS)[number];

export interface InvoiceLine {
  kind: InvoiceLineKind;
  description: string;
  /** The plan and seats the line prices; null for the credit balance line. */
  planId: PlanId | null;
  seats: number | null;
  /** The time the line covers; null for the credit balance line. */
  period: BillingPeriod | null;
  /** Signed: credits are negative. */
  amountCents: Cents;
}

export interface Invoice {
  id: string;
  kind: InvoiceKind;
  lines: InvoiceLine[];
  /** The sum of the lines. Negative only for a proration that is worth less than the credit. */
  totalCents: Cents;
  /** What is charged: the total when positive, otherwise zero (a zero total is never charged). */
  amountDueCents: Cents;
  /** The part of a negative total that goes to the customer's credit balance. */
  creditCarriedCents: Cents;
}

/**
 * An invoice from its lines and the customer's credit balance. A positive subtotal is first paid from
 * the balance (a `credit_balance_applied` line, at most the subtotal); a negative total is not refunded
 * but carried: it is added to the balance, which the next invoice uses.
 */
export function buildInvoice(
  draft: { id: string; kind: InvoiceKind; lines: InvoiceLine[] },
  creditBalanceCents: Cents,
): { invoice: Invoice; creditBalanceCents: Cents } {
  const subtotal = sum(draft.lines);
  const applied = subtotal > 0n ? min(subtotal, creditBalanceCents) : 0n;
  const balanceLine: InvoiceLine = {
    kind: 'credit_balance_applied',
    description: 'Credit balance applied',
    planId: null,
    seats: null,
    period: null,
    amountCents: -applied,
  };
  const lines = applied > 0n ? [...draft.lines, balanceLine] : draft.lines;
  const totalCents = subtotal - applied;
  const creditCarriedCents = totalCents < 0n ? -totalCents : 0n;
  return {
    invoice: {
      id: draft.id,
      kind: draft.kind,
      lines,
      totalCents,
      amountDueCents: totalCents > 0n ? totalCents : 0n,
      creditCarriedCents,
    },
    creditBalanceCents: creditBalanceCents - applied + creditCarriedCents,
  };
}

function sum(lines: readonly InvoiceLine[]): Cents {
  return lines.reduce((total, line) => total + line.amountCents, 0n);
}

function min(a: Cents, b: Cents): Cents {
  return a < b ? a : b;
}
