import { PLAN_IDS } from '@platform/events/catalog';
import { entitlements, isPlanId, PlanId } from '../../src/modules/plan/domain/plan';
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
    });
    await expect(operations.list()).resolves.toEqual([FREE, ENTERPRISE]);
  });
});
