import { randomUUID } from 'node:crypto';
import { withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest } from '@platform/service-kit/testing';
import { provisionOrganization } from '../src/consumers/provisioning';
import { startBillingService } from '../src/service';

// The federation contract of billing's entities: Plan (owned here, global data) resolves to the
// plan or null; Organization (owned by identity) resolves to its subscription, which only the
// organization itself may see.

const PLAN = `... on Plan {
  id name description seatPriceMonthlyCents
  features { contactLimit customFieldLimit storageGb aiInsights apiAccess interactionTracking support }
}`;
const ORGANIZATION = `... on Organization {
  id subscription { plan { id } status billingCycle seatsLimit startDate endDate }
}`;

type Entity = Record<string, unknown> | null;

describe('billing _entities', () => {
  const subject = serviceUnderTest('billing', (env) =>
    startBillingService({
      ...env.startOptions(),
      // Subscriptions are provisioned by the tests themselves, through the consumer's own call.
      consumers: false,
    }),
  );

  /** The sign-up provisioning path: the Free plan, starting at `at`. */
  async function provision(organizationId: string, at = new Date()): Promise<void> {
    await withTenant(subject.service.database, organizationId, (tx) =>
      provisionOrganization(tx, organizationId, at),
    );
  }

  const entities = (
    selection: string,
    auth: { organizationId: string; userId: string },
    representations: Array<{ __typename: string; id: string }>,
  ): Promise<Entity[]> =>
    subject.env.entities<Record<string, unknown>>(
      subject.service.graphqlUrl,
      selection,
      auth,
      representations,
    );

  describe('Plan', () => {
    it('resolves a representation of a plan to its fields and feature matrix', async () => {
      const [plan] = await entities(PLAN, newTenant(), [{ __typename: 'Plan', id: 'pro' }]);
      expect(plan).toEqual({
        id: 'pro',
        name: 'Professional',
        description: 'For established businesses',
        seatPriceMonthlyCents: 9900,
        features: {
          contactLimit: 10000,
          customFieldLimit: 100,
          storageGb: 100,
          aiInsights: 'advanced',
          apiAccess: 'full',
          interactionTracking: 'full',
          support: 'priority',
        },
      });
    });

    it('answers several representations in request order', async () => {
      const result = await entities(
        PLAN,
        newTenant(),
        ['enterprise', 'free', 'basic', 'free'].map((id) => ({ __typename: 'Plan', id })),
      );
      expect(result.map((plan) => plan?.name)).toEqual(['Enterprise', 'Free', 'Basic', 'Free']);
      // Enterprise is priced per contract and unlimited: nulls, not zeros.
      expect(result[0]).toMatchObject({
        seatPriceMonthlyCents: null,
        features: { contactLimit: null, customFieldLimit: null, storageGb: null },
      });
    });

    it('resolves an unknown plan id to null (plans are global: no organization to isolate)', async () => {
      const result = await entities(
        PLAN,
        newTenant(),
        ['platinum', 'free'].map((id) => ({ __typename: 'Plan', id })),
      );
      expect(result.map((plan) => plan?.id ?? null)).toEqual([null, 'free']);
    });
  });

  describe('Organization', () => {
    it('resolves the caller’s organization to the subscription provisioned at sign-up', async () => {
      const caller = newTenant();
      const at = new Date('2026-05-01T12:00:00.000Z');
      await provision(caller.organizationId, at);
      const [organization] = await entities(ORGANIZATION, caller, [
        { __typename: 'Organization', id: caller.organizationId },
      ]);
      expect(organization).toEqual({
        id: caller.organizationId,
        subscription: {
          plan: { id: 'free' },
          status: 'active',
          billingCycle: 'monthly',
          seatsLimit: 3,
          startDate: at.toISOString(),
          endDate: null,
        },
      });
    });

    it('answers several representations in request order', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      await Promise.all([provision(caller.organizationId), provision(other.organizationId)]);
      const result = await entities(
        ORGANIZATION,
        caller,
        [other.organizationId, caller.organizationId, other.organizationId].map((id) => ({
          __typename: 'Organization',
          id,
        })),
      );
      expect(result.map((organization) => organization?.id)).toEqual([
        other.organizationId,
        caller.organizationId,
        other.organizationId,
      ]);
      expect(result.map((organization) => organization?.subscription !== null)).toEqual([false, true, false]);
    });

    it('resolves another organization with a null subscription, and so an unknown or unprovisioned one', async () => {
      const [caller, other, unprovisioned] = [newTenant(), newTenant(), newTenant()];
      await Promise.all([provision(caller.organizationId), provision(other.organizationId)]);
      const result = await entities(ORGANIZATION, caller, [
        { __typename: 'Organization', id: other.organizationId },
        { __typename: 'Organization', id: randomUUID() },
      ]);
      expect(result.map((organization) => organization?.subscription)).toEqual([null, null]);
      // The other organization is subscribed: it sees its own subscription.
      const [own] = await entities(ORGANIZATION, other, [
        { __typename: 'Organization', id: other.organizationId },
      ]);
      expect(own?.subscription).toMatchObject({ plan: { id: 'free' }, status: 'active' });
      // Before provisioning, an organization has no subscription yet.
      const [pending] = await entities(ORGANIZATION, unprovisioned, [
        { __typename: 'Organization', id: unprovisioned.organizationId },
      ]);
      expect(pending).toEqual({ id: unprovisioned.organizationId, subscription: null });
    });
  });
});
