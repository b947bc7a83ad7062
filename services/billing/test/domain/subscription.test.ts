import { SUBSCRIPTION_STATUSES } from '@platform/events/catalog';
import { startSubscription, transition } from '../../src/modules/subscription/domain/lifecycle';
import {
  detailsOf,
  grantsAccess,
  LIVE_STATUSES,
  SubscriptionStatus,
  withState,
  type Subscription,
} from '../../src/modules/subscription/domain/subscription';
import { BASIC } from './fixtures';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const SUBSCRIPTION = '7f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190';
const INVOICE = '5d2c1b0a-9e8f-4d7c-b6a5-f4e3d2c1b0a9';
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

describe('withState and detailsOf', () => {
  const started = startSubscription(
    { plan: BASIC, cycle: 'monthly', seats: 2, invoiceId: INVOICE },
    AT,
  ).state;
  const record: Subscription = withState(
    {
      id: SUBSCRIPTION,
      organizationId: ORGANIZATION,
      planId: 'free',
      status: 'active',
      billingCycle: 'annual',
      seatsLimit: null,
      startDate: AT,
      endDate: null,
      createdBy: null,
      externalReference: null,
      currency: 'USD',
      metadata: {},
      state: started,
      createdAt: AT,
      updatedAt: AT,
    },
    started,
  );

  it('copies the plan, status, cycle and seats of the state into the record', () => {
    expect(record).toMatchObject({
      planId: 'basic',
      status: 'pending',
      billingCycle: 'monthly',
      seatsLimit: 2,
    });
    expect(detailsOf(started)).toMatchObject({ expiresAt: new Date('2026-05-02T12:00:00.000Z') });
  });

  it('sets the end date when a subscription cancels at its period end, and when it is canceled', () => {
    const active = transition(started, { type: 'paymentSucceeded', invoiceId: INVOICE }, AT).state;
    const canceling = transition(active, { type: 'cancel', atPeriodEnd: true }, AT).state;
    expect(withState(record, canceling).endDate).toEqual(new Date('2026-06-01T12:00:00.000Z'));
    const now = new Date('2026-05-10T00:00:00.000Z');
    const canceled = transition(active, { type: 'cancel', atPeriodEnd: false }, now).state;
    expect(withState(record, canceled).endDate).toEqual(now);
    expect(detailsOf(canceled)).toMatchObject({ canceledAt: now, cancellationReason: 'requested' });
  });
});
