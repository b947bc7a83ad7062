/**
 * Billing periods: calendar arithmetic for monthly and annual cycles, in UTC. No Prisma or GraphQL here.
 *
 * Every period boundary is computed from the subscription's billing anchor (anchor + k cycles), never
 * from the previous boundary, so a subscription anchored on the 31st bills on Jan 31, Feb 28 (29),
 * Mar 31, Apr 30, May 31… and one anchored on Feb 29 bills on Feb 28 in common years and Feb 29 in leap
 * years: the day is clamped to the month's last day and comes back when the month allows it.
 */
import type { BillingCycle } from './subscription';

/** A billing period `[start, end)`: it includes `start` and ends just before `end`. */
export interface BillingPeriod {
  start: Date;
  end: Date;
}

/** Calendar months in one cycle: an annual cycle is twelve monthly ones. */
export const CYCLE_MONTHS: Readonly<Record<BillingCycle, number>> = { monthly: 1, annual: 12 };

const MILLISECONDS_PER_DAY = 86_400_000;

/** `at` plus whole 24-hour days (trials, dunning retries and grace periods count days this way). */
export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * MILLISECONDS_PER_DAY);
}

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/**
 * The anchor moved by `months` calendar months: same time of day, same day of the month, or the month's
 * last day when it is shorter.
 */
export function addMonthsAnchored(anchor: Date, months: number): Date {
  const monthIndex = anchor.getUTCFullYear() * 12 + anchor.getUTCMonth() + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const result = new Date(anchor.getTime());
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  result.setUTCFullYear(year, month, Math.min(anchor.getUTCDate(), daysInMonth(year, month)));
  return result;
}

/** Calendar months from the anchor's month to `at`'s month. */
function monthsFromAnchor(anchor: Date, at: Date): number {
  return (at.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + (at.getUTCMonth() - anchor.getUTCMonth());
}

/** The first period of a subscription anchored at `anchor`. */
export function firstPeriod(anchor: Date, cycle: BillingCycle): BillingPeriod {
  return { start: anchor, end: addMonthsAnchored(anchor, CYCLE_MONTHS[cycle]) };
}

/**
 * The period that follows `period`. `period.end` must be an anchored boundary (anchor + k months,
 * including the anchor itself, where a trial ends); the next end is counted from the anchor again.
 */
export function periodAfter(anchor: Date, cycle: BillingCycle, period: BillingPeriod): BillingPeriod {
  const months = monthsFromAnchor(anchor, period.end);
  const end = addMonthsAnchored(anchor, months);
  if (months < 0 || end.getTime() !== period.end.getTime()) {
    throw new RangeError(
      `${period.end.toISOString()} is not a boundary of periods anchored at ${anchor.toISOString()}`,
    );
  }
  return { start: period.end, end: addMonthsAnchored(anchor, months + CYCLE_MONTHS[cycle]) };
}

/** Whether `at` falls inside the period (start included, end excluded). */
export function isWithin(period: BillingPeriod, at: Date): boolean {
  return period.start.getTime() <= at.getTime() && at.getTime() < period.end.getTime();
}
