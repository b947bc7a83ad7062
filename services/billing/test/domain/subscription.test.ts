import { SUBSCRIPTION_STATUSES } from '@platform/events/catalog';
import type { Plan, PlanId } from '../../src/modules/plan/domain/plan';
import {
  activateSubscription,
  grantsAccess,
  LIVE_STATUSES,
  SIGN_UP_PLAN,
  SubscriptionStatus,
  type Subscription,
} from '../../src/modules/subscription/domain/subscription';
import {
  provisionSignUpPlan,
  subscriptionOperations,
} from '../../src/modules/subscription/domain/subscription-operations';
import type { SubscriptionTransaction } from '../../src/modules/subscription/domain/subscription-repository';
import { ENTERPRISE, FREE } from './fixtures';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const OTHER_ORGANIZATION = '2c4e6a8b-1d3f-4a5c-9e7b-0f1e2d3c4b5a';
const SUBSCRIPTION = '7f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190';
const AT = new Date('2026-05-01T12:00:00.000Z');

describe('SubscriptionStatus', () => {
  it('is the event catalog’s list', () => {
    expect(Object.values(SubscriptionStatus)).toEqual([...SUBSCRIPTION_STATUSES]);
  });
});

describe('grantsAccess', () => {
  // Every status is listed: a new one does not compile until someone decides what it grants.
  const grants: Record<SubscriptionStatus, boolean> = {
    pending: false,
    active: true,
    past_due: true,
    canceled: false,
    expired: false,
  };

  it.each(SUBSCRIPTION_STATUSES.map((status) => [status, grants[status]] as const))(
    'a %s subscription grants access: %p',
    (status, expected) => {
      expect(grantsAccess({ status })).toBe(expected);
    },
  );

  it('is granted only by live subscriptions (a canceled or expired one is over)', () => {
    expect(LIVE_STATUSES).toEqual(['pending', 'active', 'past_due']);
    for (const status of SUBSCRIPTION_STATUSES.filter((status) => grantsAccess({ status }))) {
      expect(LIVE_STATUSES).toContain(status);
    }
  });
});

describe('activateSubscription', () => {
  it('starts the plan active, monthly, with the plan’s seats', () => {
    const { subscription } = activateSubscription(
      { id: SUBSCRIPTION, organizationId: ORGANIZATION },
      FREE,
      AT,
    );
    expect(subscription).toEqual({
      id: SUBSCRIPTION,
      organizationId: ORGANIZATION,
      planId: 'free',
      status: 'active',
      billingCycle: 'monthly',
      seatsLimit: 3,
      startDate: AT,
      endDate: null,
    });
  });

  it('implies billing.subscription.activated.v1 carrying the plan’s entitlements', () => {
    const { events } = activateSubscription({ id: SUBSCRIPTION, organizationId: ORGANIZATION }, FREE, AT);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'billing.subscription.activated.v1',
        source: '/services/billing',
        subject: SUBSCRIPTION,
        tenantid: ORGANIZATION,
        time: AT.toISOString(),
        data: {
          subscriptionId: SUBSCRIPTION,
          organizationId: ORGANIZATION,
          planId: 'free',
          status: 'active',
          startDate: AT.toISOString(),
          entitlements: FREE.features,
        },
      }),
    ]);
  });

  it('carries unlimited seats and limits as null', () => {
    const { subscription, events } = activateSubscription(
      { id: SUBSCRIPTION, organizationId: ORGANIZATION },
      ENTERPRISE,
      AT,
    );
    expect(subscription.seatsLimit).toBeNull();
    expect(events[0].data.entitlements).toMatchObject({ contactLimit: null, storageGb: null });
  });
});

/** An in-memory SubscriptionTransaction that records what was added. */
function memoryStore(existing: Subscription[] = []) {
  const added: Subscription[] = [];
  const plansRead: PlanId[] = [];
  const plans: Record<string, Plan> = { free: FREE, enterprise: ENTERPRISE };
  const store: SubscriptionTransaction = {
    current: (organizationId) =>
      Promise.resolve(
        [...existing, ...added].find(
          (subscription) =>
            subscription.organizationId === organizationId && LIVE_STATUSES.includes(subscription.status),
        ) ?? null,
      ),
    plan: (id) => {
      plansRead.push(id);
      const plan = plans[id];
      return plan ? Promise.resolve(plan) : Promise.reject(new Error(`no plan ${id}`));
    },
    add: (subscription) => {
      added.push(subscription);
      return Promise.resolve();
    },
  };
  return { store, added, plansRead };
}

describe('provisionSignUpPlan', () => {
  it('gives a new organization the Free plan and implies exactly its activation event', async () => {
    const { store, added, plansRead } = memoryStore();
    const { subscription, events } = await provisionSignUpPlan(store, ORGANIZATION, AT, SUBSCRIPTION);
    expect(SIGN_UP_PLAN).toBe('free');
    expect(plansRead).toEqual(['free']);
    expect(added).toEqual([subscription]);
    expect(subscription).toMatchObject({ id: SUBSCRIPTION, planId: 'free', status: 'active', startDate: AT });
    expect(events.map((event) => [event.type, event.subject, event.tenantid])).toEqual([
      ['billing.subscription.activated.v1', SUBSCRIPTION, ORGANIZATION],
    ]);
  });

  it('keeps a live subscription and implies nothing (a second sign-up event changes nothing)', async () => {
    const live: Subscription = {
      id: SUBSCRIPTION,
      organizationId: ORGANIZATION,
      planId: 'enterprise',
      status: 'past_due',
      billingCycle: 'annual',
      seatsLimit: null,
      startDate: AT,
      endDate: null,
    };
    const { store, added } = memoryStore([live]);
    await expect(provisionSignUpPlan(store, ORGANIZATION, new Date())).resolves.toEqual({
      subscription: live,
      events: [],
    });
    expect(added).toEqual([]);
  });

  it('provisions again once the earlier subscription is over', async () => {
    const over: Subscription = {
      id: SUBSCRIPTION,
      organizationId: ORGANIZATION,
      planId: 'free',
      status: 'expired',
      billingCycle: 'monthly',
      seatsLimit: 3,
      startDate: new Date('2025-01-01T00:00:00.000Z'),
      endDate: new Date('2026-01-01T00:00:00.000Z'),
    };
    const { store, added } = memoryStore([over]);
    const { events } = await provisionSignUpPlan(store, ORGANIZATION, AT);
    expect(added).toHaveLength(1);
    expect(events).toHaveLength(1);
  });
});

describe('subscriptionOperations.currentOf', () => {
  const live: Subscription = {
    id: SUBSCRIPTION,
    organizationId: ORGANIZATION,
    planId: 'free',
    status: 'active',
    billingCycle: 'monthly',
    seatsLimit: 3,
    startDate: AT,
    endDate: null,
  };

  function operations() {
    const reads: string[] = [];
    const subscriptions = subscriptionOperations({
      current: (organizationId) => {
        reads.push(organizationId);
        return Promise.resolve(organizationId === ORGANIZATION ? live : null);
      },
    });
    return { subscriptions, reads };
  }

  it('shows an organization its own subscription, in request order, with one read', async () => {
    const { subscriptions, reads } = operations();
    const actor = { organizationId: ORGANIZATION, userId: null };
    await expect(
      subscriptions.currentOf(actor, [OTHER_ORGANIZATION, ORGANIZATION, 'not-a-uuid', ORGANIZATION]),
    ).resolves.toEqual([null, live, null, live]);
    expect(reads).toEqual([ORGANIZATION]);
  });

  it('shows nobody else’s, and reads nothing for an anonymous caller', async () => {
    const { subscriptions, reads } = operations();
    await expect(
      subscriptions.currentOf({ organizationId: OTHER_ORGANIZATION, userId: null }, [ORGANIZATION]),
    ).resolves.toEqual([null]);
    await expect(
      subscriptions.currentOf({ organizationId: null, userId: null }, [ORGANIZATION]),
    ).resolves.toEqual([null]);
    expect(reads).toEqual([]);
  });
});
