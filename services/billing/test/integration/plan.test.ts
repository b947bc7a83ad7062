import { newTenant, serviceUnderTest } from '@platform/service-kit/testing';
import { planRepository } from '../../src/modules/plan/infra/plan-repository';
import { startBillingService } from '../../src/service';

// The plan module against real PostgreSQL: the repository over the migrated rows, and its resolvers
// through the subgraph (plans are public; references batch into one statement).

const PLANS = `{ plans { id name seatPriceMonthlyCents features { contactLimit storageGb aiInsights support } } }`;

describe('plan module', () => {
  const statements: string[] = [];
  const subject = serviceUnderTest('billing', (env) =>
    startBillingService({
      ...env.startOptions(),
      consumers: false,
      onQuery: (sql) => statements.push(sql),
    }),
  );

  describe('repository', () => {
    it('lists the four plans the migrations wrote, cheapest first', async () => {
      const billing = subject.service;
      const plans = await planRepository(billing.database).all();
      expect(plans.map((plan) => [plan.id, plan.seatPriceMonthlyCents, plan.defaultSeats])).toEqual([
        ['free', 0, 3],
        ['basic', 2900, 10],
        ['pro', 9900, 50],
        ['enterprise', null, null],
      ]);
    });

    it('reads plans by id in key order, null for an unknown id, with one statement', async () => {
      const billing = subject.service;
      statements.length = 0;
      const plans = await planRepository(billing.database).byIds(['pro', 'platinum', 'free', 'pro']);
      expect(plans.map((plan) => plan?.id ?? null)).toEqual(['pro', null, 'free', 'pro']);
      expect(statements).toHaveLength(1);
    });
  });

  describe('resolvers', () => {
    it('answers Query.plans to anonymous and signed-in callers alike', async () => {
      const { env, service: billing } = subject;
      const anonymous = await env.graphql(billing.graphqlUrl, PLANS, {}, await env.headersFor({}));
      const signedIn = await env.graphql(billing.graphqlUrl, PLANS, {}, await env.headersFor(newTenant()));
      expect(anonymous.errors).toBeUndefined();
      expect(signedIn).toEqual(anonymous);
      expect(anonymous.data).toEqual({
        plans: [
          {
            id: 'free',
            name: 'Free',
            seatPriceMonthlyCents: 0,
            features: { contactLimit: 100, storageGb: 1, aiInsights: 'none', support: 'community' },
          },
          {
            id: 'basic',
            name: 'Basic',
            seatPriceMonthlyCents: 2900,
            features: { contactLimit: 1000, storageGb: 10, aiInsights: 'basic', support: 'email' },
          },
          {
            id: 'pro',
            name: 'Professional',
            seatPriceMonthlyCents: 9900,
            features: { contactLimit: 10000, storageGb: 100, aiInsights: 'advanced', support: 'priority' },
          },
          {
            id: 'enterprise',
            name: 'Enterprise',
            seatPriceMonthlyCents: null,
            features: { contactLimit: null, storageGb: null, aiInsights: 'custom', support: 'dedicated' },
          },
        ],
      });
    });

    it('resolves N plan references with one SQL statement', async () => {
      const { env, service: billing } = subject;
      statements.length = 0;
      const result = await env.entities<{ id: string }>(
        billing.graphqlUrl,
        '... on Plan { id }',
        newTenant(),
        ['enterprise', 'free', 'basic', 'platinum', 'pro'].map((id) => ({ __typename: 'Plan', id })),
      );
      expect(result.map((plan) => plan?.id ?? null)).toEqual(['enterprise', 'free', 'basic', null, 'pro']);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatch(/"plans"/);
    });
  });
});
