import { randomUUID } from 'node:crypto';
import { assertCatalogEvent, eventCatalog } from '@platform/events/catalog';
import {
  entitlementsChanged,
  entitlementsOf,
  type OrganizationEntitlements,
} from '../../src/modules/entitlements/domain/entitlements';
import { entitlementsOperations } from '../../src/modules/entitlements/domain/entitlements-operations';
import { ENTERPRISE, FREE } from './fixtures';

function published(overrides: Partial<OrganizationEntitlements> = {}): OrganizationEntitlements {
  return {
    organizationId: randomUUID(),
    version: 3,
    subscriptionId: randomUUID(),
    planId: 'free',
    status: 'canceled',
    entitlements: entitlementsOf(FREE.features, 3),
    changedAt: new Date('2026-06-01T08:00:00.000Z'),
    ...overrides,
  };
}

describe('entitlementsOf', () => {
  it('is the plan’s features with the subscription’s seats; unlimited stays null', () => {
    expect(entitlementsOf(FREE.features, 3)).toEqual({ ...FREE.features, seats: 3 });
    expect(entitlementsOf(ENTERPRISE.features, null)).toEqual({
      contactLimit: null,
      customFieldLimit: null,
      storageGb: null,
      aiInsights: 'custom',
      apiAccess: 'full',
      interactionTracking: 'full',
      support: 'dedicated',
      seats: null,
    });
  });
});

describe('entitlementsChanged', () => {
  it('is a catalog event keyed by the organization, on billing.entitlements, carrying the version', () => {
    const current = published();
    const event = entitlementsChanged(current);
    assertCatalogEvent(event);
    expect(eventCatalog[event.type].topic).toBe('billing.entitlements');
    expect(event).toMatchObject({
      type: 'billing.entitlements.changed.v1',
      source: '/services/billing',
      subject: current.organizationId,
      tenantid: current.organizationId,
      time: '2026-06-01T08:00:00.000Z',
    });
    expect(event.data).toEqual({
      organizationId: current.organizationId,
      subscriptionId: current.subscriptionId,
      planId: 'free',
      status: 'canceled',
      version: 3,
      entitlements: { ...FREE.features, seats: 3 },
      changedAt: '2026-06-01T08:00:00.000Z',
    });
  });

  it('copies the entitlements: changing the event leaves the record alone', () => {
    const current = published();
    entitlementsChanged(current).data.entitlements.contactLimit = 5;
    expect(current.entitlements.contactLimit).toBe(100);
  });
});

describe('who sees an organization’s entitlements', () => {
  const own = published();
  const asked: string[] = [];
  const operations = entitlementsOperations({
    current: (organizationId) => {
      asked.push(organizationId);
      return Promise.resolve(organizationId === own.organizationId ? own : null);
    },
  });

  it('is the organization itself; any other reads as null, and only the own one is read', async () => {
    asked.length = 0;
    const other = randomUUID();
    const actor = { organizationId: own.organizationId, userId: randomUUID() };
    expect(await operations.currentOf(actor, [other, own.organizationId, other])).toEqual([null, own, null]);
    expect(asked).toEqual([own.organizationId]);
  });

  it('is nobody without a signed-in organization, and reads nothing', async () => {
    asked.length = 0;
    const anonymous = { organizationId: null, userId: null };
    expect(await operations.currentOf(anonymous, [own.organizationId])).toEqual([null]);
    expect(asked).toEqual([]);
  });
});
