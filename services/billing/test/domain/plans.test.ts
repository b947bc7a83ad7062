import { grantsAccess, SUBSCRIPTION_STATUSES, type SubscriptionStatus } from '../../src/domain/plans';

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
});
