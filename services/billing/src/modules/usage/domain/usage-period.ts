import { InputIssues } from '@platform/domain';
import { hourCeiling, hourOf } from './usage';

/** The hours a usage read covers: [from, to), both on whole UTC hours. */
export interface UsagePeriod {
  from: Date;
  to: Date;
}

/** The longest period one read covers (a year of hours, and some). */
export const MAX_PERIOD_DAYS = 400;
const DAY_MS = 86_400_000;

/** The calendar month (UTC) `now` falls in. */
export function calendarMonthOf(now: Date): UsagePeriod {
  return {
    from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
    to: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
  };
}

/**
 * The period a caller asks for. Each bound defaults to the current billing period's (`billing`, the
 * organization's subscription's), or to the current calendar month's (UTC) without one; usage is kept
 * per hour, so a period covers every hour it touches (`from` rounded down, `to` up). BAD_USER_INPUT,
 * every problem at once, when `to` is not after `from` or the period is longer than MAX_PERIOD_DAYS.
 */
export function usagePeriod(
  request: { from?: Date | null; to?: Date | null },
  now: Date,
  billing: UsagePeriod | null = null,
): UsagePeriod {
  const fallback = billing ?? calendarMonthOf(now);
  const asked = { from: request.from ?? fallback.from, to: request.to ?? fallback.to };
  const issues = new InputIssues();
  if (asked.to.getTime() <= asked.from.getTime()) issues.add('to', 'must be after from', 'out_of_range');
  else if (asked.to.getTime() - asked.from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    issues.add('to', `must be at most ${MAX_PERIOD_DAYS} days after from`, 'out_of_range');
  }
  issues.throwIfAny();
  return { from: hourOf(asked.from), to: hourCeiling(asked.to) };
}
