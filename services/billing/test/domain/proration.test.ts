import { domainErrorOf } from '@platform/domain/testing';
import {
  buildInvoice,
  centsFrom,
  cycleAmount,
  divideRoundHalfEven,
  proration,
  seatPriceForCycle,
  type InvoiceLine,
} from '../../src/modules/subscription/domain/proration';

const utc = (iso: string) => new Date(`${iso}Z`);

/** April 2026: a 30-day monthly period. */
const APRIL = { start: utc('2026-04-01T00:00:00'), end: utc('2026-05-01T00:00:00') };
const BASIC_SEAT = 2900n;
const PRO_SEAT = 9900n;

describe('divideRoundHalfEven', () => {
  it.each([
    // ties go to the even neighbour, in both directions and for both signs
    [1n, 2n, 0n],
    [3n, 2n, 2n],
    [5n, 2n, 2n],
    [7n, 2n, 4n],
    [10n, 4n, 2n],
    [14n, 4n, 4n],
    [-5n, 2n, -2n],
    [-7n, 2n, -4n],
    [5n, -2n, -2n],
    [-5n, -2n, 2n],
    // anything else goes to the nearest
    [1n, 3n, 0n],
    [2n, 3n, 1n],
    [5n, 3n, 2n],
    [-2n, 3n, -1n],
    [4999n, 10000n, 0n],
    [5001n, 10000n, 1n],
    [15001n, 10000n, 2n],
    [0n, 7n, 0n],
    [21n, 7n, 3n],
  ])('%p / %p is %p', (numerator, denominator, expected) => {
    expect(divideRoundHalfEven(numerator, denominator)).toBe(expected);
  });

  it('refuses to divide by zero', () => {
    expect(() => divideRoundHalfEven(1n, 0n)).toThrow(RangeError);
  });
});

describe('centsFrom', () => {
  it('converts a whole, non-negative number of cents exactly', () => {
    expect(centsFrom(2900)).toBe(2900n);
    expect(centsFrom(0)).toBe(0n);
    expect(centsFrom(Number.MAX_SAFE_INTEGER)).toBe(9007199254740991n);
  });

  it.each([-1, 29.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('refuses %p', (amount) => {
    const error = domainErrorOf(() => centsFrom(amount, 'plan.seatPriceMonthlyCents'));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.details).toEqual({
      issues: [
        {
          path: 'plan.seatPriceMonthlyCents',
          message: 'must be a whole, non-negative number of cents',
          code: 'invalid',
        },
      ],
    });
  });
});

describe('prices per cycle', () => {
  it('are the monthly seat price for a month and twelve of them for a year', () => {
    expect(seatPriceForCycle(BASIC_SEAT, 'monthly')).toBe(2900n);
    expect(seatPriceForCycle(BASIC_SEAT, 'annual')).toBe(34800n);
  });

  it('times the seats make the amount of a cycle', () => {
    expect(cycleAmount({ seatPriceCents: 9900n, seats: 3 })).toBe(29700n);
    expect(cycleAmount({ seatPriceCents: 9900n, seats: 0 })).toBe(0n);
  });
});

describe('proration', () => {
  it('Basic → Pro, 3 seats, exactly halfway through a 30-day period: 4350 credit, 14850 charge, 10500 due', () => {
    expect(
      proration({
        period: APRIL,
        at: utc('2026-04-16T00:00:00'),
        from: { seatPriceCents: BASIC_SEAT, seats: 3 },
        to: { seatPriceCents: PRO_SEAT, seats: 3 },
      }),
    ).toEqual({
      unusedSeconds: 1_296_000n,
      periodSeconds: 2_592_000n,
      creditCents: 4350n,
      chargeCents: 14850n,
      totalCents: 10500n,
    });
  });

  it('an awkward fraction of a 31-day month rounds each line to the nearest cent', () => {
    // 1,788,391 of 2,678,400 seconds: 8700 × … = 5809.0657…, 29700 × … = 19830.9486…
    expect(
      proration({
        period: { start: utc('2026-01-01T00:00:00'), end: utc('2026-02-01T00:00:00') },
        at: utc('2026-01-11T07:13:29'),
        from: { seatPriceCents: BASIC_SEAT, seats: 3 },
        to: { seatPriceCents: PRO_SEAT, seats: 3 },
      }),
    ).toEqual({
      unusedSeconds: 1_788_391n,
      periodSeconds: 2_678_400n,
      creditCents: 5809n,
      chargeCents: 19831n,
      totalCents: 14022n,
    });
  });

  it('an annual period in a leap year (366 days), seats changing too', () => {
    // 11,789,693 of 31,622,400 seconds: 243,600 × … = 90820.72…, 1,425,600 × … = 531502.55…
    expect(
      proration({
        period: { start: utc('2028-01-01T00:00:00'), end: utc('2029-01-01T00:00:00') },
        at: utc('2028-08-17T13:05:07'),
        from: { seatPriceCents: seatPriceForCycle(BASIC_SEAT, 'annual'), seats: 7 },
        to: { seatPriceCents: seatPriceForCycle(PRO_SEAT, 'annual'), seats: 12 },
      }),
    ).toEqual({
      unusedSeconds: 11_789_693n,
      periodSeconds: 31_622_400n,
      creditCents: 90821n,
      chargeCents: 531503n,
      totalCents: 440682n,
    });
  });

  it('a month-end anchored February period (28 days)', () => {
    // 1,600,200 of 2,419,200 seconds: 14,500 × … = 9591.15…, 49,500 × … = 32742.19…
    expect(
      proration({
        period: { start: utc('2026-01-31T09:30:00'), end: utc('2026-02-28T09:30:00') },
        at: utc('2026-02-09T21:00:00'),
        from: { seatPriceCents: BASIC_SEAT, seats: 5 },
        to: { seatPriceCents: PRO_SEAT, seats: 5 },
      }),
    ).toMatchObject({ creditCents: 9591n, chargeCents: 32742n, totalCents: 23151n });
  });

  it('rounds a tie to the even cent, down and up', () => {
    const halfway = { period: APRIL, at: utc('2026-04-16T00:00:00') };
    // 2901 / 2 = 1450.5 → 1450 (half up would give 1451); 2903 / 2 = 1451.5 → 1452 (truncating: 1451)
    expect(
      proration({
        ...halfway,
        from: { seatPriceCents: 2901n, seats: 1 },
        to: { seatPriceCents: 2903n, seats: 1 },
      }),
    ).toMatchObject({ creditCents: 1450n, chargeCents: 1452n, totalCents: 2n });
  });

  it('is exact where the numerator passes 2^53 (large annual subscriptions)', () => {
    // 11,999,880,000 × 31,622,399 ≈ 3.8e17; / 31,622,400 = 11999879620.526 → 11999879621
    const result = proration({
      period: { start: utc('2028-01-01T00:00:00'), end: utc('2029-01-01T00:00:00') },
      at: utc('2028-01-01T00:00:01'),
      from: { seatPriceCents: 0n, seats: 1 },
      to: { seatPriceCents: seatPriceForCycle(99_999n, 'annual'), seats: 10_000 },
    });
    expect(result.chargeCents).toBe(11_999_879_621n);
  });

  it('measures in whole seconds: milliseconds are floored', () => {
    const result = proration({
      period: { start: utc('2026-04-01T00:00:00.999'), end: utc('2026-05-01T00:00:00.999') },
      at: utc('2026-04-16T00:00:00.999'),
      from: { seatPriceCents: BASIC_SEAT, seats: 3 },
      to: { seatPriceCents: PRO_SEAT, seats: 3 },
    });
    expect(result).toMatchObject({
      unusedSeconds: 1_296_000n,
      periodSeconds: 2_592_000n,
      totalCents: 10500n,
    });
    const lateInTheSecond = proration({
      period: APRIL,
      at: utc('2026-04-16T00:00:00.999'),
      from: { seatPriceCents: BASIC_SEAT, seats: 3 },
      to: { seatPriceCents: PRO_SEAT, seats: 3 },
    });
    expect(lateInTheSecond.unusedSeconds).toBe(1_296_000n);
  });

  it('at the very start credits and charges whole periods; a second before the end, almost nothing', () => {
    const from = { seatPriceCents: BASIC_SEAT, seats: 3 };
    const to = { seatPriceCents: PRO_SEAT, seats: 3 };
    expect(proration({ period: APRIL, at: APRIL.start, from, to })).toMatchObject({
      creditCents: 8700n,
      chargeCents: 29700n,
      totalCents: 21000n,
    });
    expect(proration({ period: APRIL, at: utc('2026-04-30T23:59:59'), from, to })).toMatchObject({
      unusedSeconds: 1n,
      creditCents: 0n,
      chargeCents: 0n,
      totalCents: 0n,
    });
  });

  it('is negative when the new charge is worth less than the credit', () => {
    expect(
      proration({
        period: APRIL,
        at: utc('2026-04-16T00:00:00'),
        from: { seatPriceCents: BASIC_SEAT, seats: 10 },
        to: { seatPriceCents: PRO_SEAT, seats: 2 },
      }),
    ).toMatchObject({ creditCents: 14500n, chargeCents: 9900n, totalCents: -4600n });
  });

  it('refuses a time outside the period, an empty period, and negative prices or seats, all at once', () => {
    const charge = { seatPriceCents: BASIC_SEAT, seats: 3 };
    for (const at of [APRIL.end, utc('2026-03-31T23:59:59')]) {
      const error = domainErrorOf(() => proration({ period: APRIL, at, from: charge, to: charge }));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.details).toEqual({
        issues: [{ path: 'at', message: 'must fall inside the period', code: 'invalid' }],
      });
    }
    const empty = { start: APRIL.start, end: utc('2026-04-01T00:00:00.999') };
    const error = domainErrorOf(() =>
      proration({
        period: empty,
        at: APRIL.start,
        from: { seatPriceCents: -1n, seats: 1 },
        to: { seatPriceCents: 1n, seats: 1.5 },
      }),
    );
    expect(error.details).toEqual({
      issues: [
        { path: 'period', message: 'must end at least a second after it starts', code: 'invalid' },
        { path: 'from.seatPriceCents', message: 'must not be negative', code: 'invalid' },
        { path: 'to.seats', message: 'must be a whole, non-negative number', code: 'invalid' },
      ],
    });
  });
});

describe('buildInvoice', () => {
  const line = (amountCents: bigint): InvoiceLine => ({
    kind: amountCents < 0n ? 'proration_credit' : 'proration_charge',
    description: 'a line',
    planId: 'pro',
    seats: 3,
    period: APRIL,
    amountCents,
  });
  const balanceLine = (amountCents: bigint): InvoiceLine => ({
    kind: 'credit_balance_applied',
    description: 'Credit balance applied',
    planId: null,
    seats: null,
    period: null,
    amountCents,
  });

  it('totals its lines and charges the total when there is no credit balance', () => {
    expect(buildInvoice({ id: 'inv', kind: 'proration', lines: [line(-4350n), line(14850n)] }, 0n)).toEqual({
      invoice: {
        id: 'inv',
        kind: 'proration',
        lines: [line(-4350n), line(14850n)],
        totalCents: 10500n,
        amountDueCents: 10500n,
        creditCarriedCents: 0n,
      },
      creditBalanceCents: 0n,
    });
  });

  it('pays what it can from the credit balance, on a line of its own', () => {
    const { invoice, creditBalanceCents } = buildInvoice(
      { id: 'inv', kind: 'renewal', lines: [line(8700n)] },
      4600n,
    );
    expect(invoice.lines).toEqual([line(8700n), balanceLine(-4600n)]);
    expect([invoice.totalCents, invoice.amountDueCents, creditBalanceCents]).toEqual([4100n, 4100n, 0n]);
  });

  it('is not charged when the balance covers it, and keeps the rest of the balance', () => {
    const { invoice, creditBalanceCents } = buildInvoice(
      { id: 'inv', kind: 'renewal', lines: [line(2900n)] },
      4600n,
    );
    expect(invoice.lines).toEqual([line(2900n), balanceLine(-2900n)]);
    expect([invoice.totalCents, invoice.amountDueCents, creditBalanceCents]).toEqual([0n, 0n, 1700n]);
  });

  it('carries a negative total to the balance instead of refunding it, and uses none of the balance', () => {
    const { invoice, creditBalanceCents } = buildInvoice(
      { id: 'inv', kind: 'proration', lines: [line(-14500n), line(9900n)] },
      100n,
    );
    expect(invoice).toEqual({
      id: 'inv',
      kind: 'proration',
      lines: [line(-14500n), line(9900n)],
      totalCents: -4600n,
      amountDueCents: 0n,
      creditCarriedCents: 4600n,
    });
    expect(creditBalanceCents).toBe(4700n);
  });
});
