import {
  addDays,
  addMonthsAnchored,
  CYCLE_MONTHS,
  firstPeriod,
  isWithin,
  periodAfter,
  type BillingPeriod,
} from '../../src/modules/subscription/domain/billing-period';
import type { BillingCycle } from '../../src/modules/subscription/domain/subscription';

const utc = (iso: string) => new Date(`${iso}Z`);

/** The ends of the first `count` periods, each computed from the one before, as ISO strings. */
function ends(anchor: Date, cycle: BillingCycle, count: number): string[] {
  let period: BillingPeriod = firstPeriod(anchor, cycle);
  const result = [period.end.toISOString()];
  while (result.length < count) {
    period = periodAfter(anchor, cycle, period);
    result.push(period.end.toISOString());
  }
  return result;
}

describe('addMonthsAnchored', () => {
  it.each([
    ['2026-01-31T10:15:30.250', 1, '2026-02-28T10:15:30.250'],
    ['2028-01-31T10:15:30.250', 1, '2028-02-29T10:15:30.250'],
    ['2026-01-31T10:15:30.250', 2, '2026-03-31T10:15:30.250'],
    ['2026-01-31T10:15:30.250', 3, '2026-04-30T10:15:30.250'],
    ['2026-01-30T00:00:00.000', 1, '2026-02-28T00:00:00.000'],
    ['2026-01-15T00:00:00.000', 1, '2026-02-15T00:00:00.000'],
    ['2026-12-31T23:59:59.999', 1, '2027-01-31T23:59:59.999'],
    ['2026-11-30T00:00:00.000', 3, '2027-02-28T00:00:00.000'],
    ['2028-02-29T00:00:00.000', 12, '2029-02-28T00:00:00.000'],
    ['2028-02-29T00:00:00.000', 48, '2032-02-29T00:00:00.000'],
    ['2026-05-31T00:00:00.000', 0, '2026-05-31T00:00:00.000'],
  ])('%s plus %i months is %s (clamped to the month, time of day kept)', (anchor, months, expected) => {
    expect(addMonthsAnchored(utc(anchor), months).toISOString()).toBe(`${expected}Z`);
  });

  it('counts years below 100 as they are (not as 19xx)', () => {
    const anchor = new Date(0);
    anchor.setUTCFullYear(99, 11, 31);
    const result = addMonthsAnchored(anchor, 2);
    expect([result.getUTCFullYear(), result.getUTCMonth(), result.getUTCDate()]).toEqual([100, 1, 28]);
  });

  it('returns a new date and leaves the anchor alone', () => {
    const anchor = utc('2026-01-31T00:00:00');
    const result = addMonthsAnchored(anchor, 1);
    expect(result).not.toBe(anchor);
    expect(anchor.toISOString()).toBe('2026-01-31T00:00:00.000Z');
  });
});

describe('monthly periods', () => {
  it('anchored on the 31st, end on the last day of shorter months and come back to the 31st', () => {
    expect(ends(utc('2026-01-31T09:00:00'), 'monthly', 7)).toEqual([
      '2026-02-28T09:00:00.000Z',
      '2026-03-31T09:00:00.000Z',
      '2026-04-30T09:00:00.000Z',
      '2026-05-31T09:00:00.000Z',
      '2026-06-30T09:00:00.000Z',
      '2026-07-31T09:00:00.000Z',
      '2026-08-31T09:00:00.000Z',
    ]);
  });

  it('in a leap year, go through Feb 29', () => {
    expect(ends(utc('2028-01-31T00:00:00'), 'monthly', 2)).toEqual([
      '2028-02-29T00:00:00.000Z',
      '2028-03-31T00:00:00.000Z',
    ]);
  });

  it('anchored on the 30th, stay on the 30th after February', () => {
    expect(ends(utc('2026-01-30T00:00:00'), 'monthly', 3)).toEqual([
      '2026-02-28T00:00:00.000Z',
      '2026-03-30T00:00:00.000Z',
      '2026-04-30T00:00:00.000Z',
    ]);
  });

  it('are contiguous: each starts where the one before ended', () => {
    const anchor = utc('2026-01-31T00:00:00');
    const first = firstPeriod(anchor, 'monthly');
    const second = periodAfter(anchor, 'monthly', first);
    const third = periodAfter(anchor, 'monthly', second);
    expect(first.start).toEqual(anchor);
    expect(second.start).toEqual(first.end);
    expect(third.start).toEqual(second.end);
  });

  it('twelve of them end where one annual period ends', () => {
    const anchor = utc('2026-01-31T00:00:00');
    expect(ends(anchor, 'monthly', 12)[11]).toBe(firstPeriod(anchor, 'annual').end.toISOString());
  });
});

describe('annual periods', () => {
  it('anchored on Feb 29, end on Feb 28 in common years and Feb 29 in leap years', () => {
    expect(ends(utc('2028-02-29T12:00:00'), 'annual', 4)).toEqual([
      '2029-02-28T12:00:00.000Z',
      '2030-02-28T12:00:00.000Z',
      '2031-02-28T12:00:00.000Z',
      '2032-02-29T12:00:00.000Z',
    ]);
  });

  it('are twelve months', () => {
    expect(CYCLE_MONTHS).toEqual({ monthly: 1, annual: 12 });
  });
});

describe('periodAfter', () => {
  it('after a trial that ends at the anchor, is the first full cycle from the anchor', () => {
    const anchor = utc('2026-03-31T00:00:00');
    const trial = { start: utc('2026-03-17T00:00:00'), end: anchor };
    expect(periodAfter(anchor, 'monthly', trial)).toEqual({ start: anchor, end: utc('2026-04-30T00:00:00') });
  });

  it('refuses a period that does not end on one of the anchor’s boundaries', () => {
    const anchor = utc('2026-01-31T00:00:00');
    const notABoundary = { start: anchor, end: utc('2026-03-01T00:00:00') };
    expect(() => periodAfter(anchor, 'monthly', notABoundary)).toThrow(RangeError);
    const beforeTheAnchor = { start: utc('2025-11-30T00:00:00'), end: utc('2025-12-31T00:00:00') };
    expect(() => periodAfter(anchor, 'monthly', beforeTheAnchor)).toThrow(RangeError);
  });
});

describe('addDays', () => {
  it('adds whole 24-hour days', () => {
    expect(addDays(utc('2026-02-27T08:00:00'), 3)).toEqual(utc('2026-03-02T08:00:00'));
    expect(addDays(utc('2026-02-27T08:00:00'), 0)).toEqual(utc('2026-02-27T08:00:00'));
  });
});

describe('isWithin', () => {
  const period = { start: utc('2026-04-01T00:00:00'), end: utc('2026-05-01T00:00:00') };

  it.each([
    ['2026-03-31T23:59:59.999', false],
    ['2026-04-01T00:00:00.000', true],
    ['2026-04-30T23:59:59.999', true],
    ['2026-05-01T00:00:00.000', false],
  ])('%s is within [Apr 1, May 1): %p', (at, expected) => {
    expect(isWithin(period, utc(at))).toBe(expected);
  });
});
