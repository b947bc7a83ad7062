import { PLAN_IDS } from '@platform/events/catalog';
import { entitlements, isPlanId, PlanId, pricedIn } from '../../src/modules/plan/domain/plan';
import { planOperations } from '../../src/modules/plan/domain/plan-operations';
import { ENTERPRISE, FREE } from './fixtures';

describe('plan ids', () => {
  it('are the event catalog’s plan codes, and nothing else', () => {
    expect(Object.values(PlanId)).toEqual([...PLAN_IDS]);
    for (const id of PLAN_IDS) expect(isPlanId(id)).toBe(true);
    for (const id of ['platinum', 'Free', '']) expect(isPlanId(id)).toBe(false);
  });
});

describe('entitlements', () => {
  it('are the plan’s feature matrix, nulls (unlimited) kept as nulls', () => {
    expect(entitlements(FREE)).toEqual(FREE.features);
    expect(entitlements(ENTERPRISE)).toEqual({
      contactLimit: null,
      customFieldLimit: null,
      storageGb: null,
      aiInsights: 'custom',
      apiAccess: 'full',
      interactionTracking: 'full',
      support: 'dedicated',
    });
  });

  it('are a copy: changing them leaves the plan alone', () => {
    const copy = entitlements(FREE);
    copy.contactLimit = 0;
    expect(FREE.features.contactLimit).toBe(100);
  });
});

describe('planOperations', () => {
  it('lists what the repository holds, for anyone (plans are public)', async () => {
    const operations = planOperations({
      all: () => Promise.resolve([FREE, ENTERPRISE]),
      byIds: () => Promise.reject(new Error('not used')),
      pricesOf: () => Promise.reject(new Error('not used')),
    });
    await expect(operations.list()).resolves.toEqual([FREE, ENTERPRISE]);
  });
});

describe('pricedIn', () => {
  const prices = [
    { currency: 'EUR', seatPriceMonthlyMinor: 2700 },
    { currency: 'USD', seatPriceMonthlyMinor: 2900 },
  ];

  it('prices a listed plan in the currency asked, and leaves custom pricing custom', () => {
    const basic = { ...FREE, id: 'basic' as const, seatPriceMonthlyCents: 2900 };
    expect(pricedIn(basic, prices, 'EUR').seatPriceMonthlyCents).toBe(2700);
    expect(pricedIn(basic, prices, 'USD').seatPriceMonthlyCents).toBe(2900);
    expect(pricedIn(ENTERPRISE, [], 'EUR')).toBe(ENTERPRISE);
  });

  it('refuses a currency the price list lacks (broken data, not a caller’s mistake)', () => {
    expect(() => pricedIn({ ...FREE, seatPriceMonthlyCents: 0 }, prices, 'JPY')).toThrow(/no price in JPY/);
  });
});
