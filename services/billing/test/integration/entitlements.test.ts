import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { withTenant, type InternalContext } from '@platform/service-kit';
import { newTenant, serviceUnderTest } from '@platform/service-kit/testing';
import { provisionOrganization } from '../../src/consumers/provisioning';
import { entitlementsOf, type EntitlementsChange } from '../../src/modules/entitlements/domain/entitlements';
import { publishEntitlements } from '../../src/modules/entitlements/infra/entitlements-repository';
import { runDueEvents } from '../../src/modules/subscription/domain/subscription-operations';
import { subscriptionCollaborators } from '../../src/modules/subscription/infra/collaborators';
import { subscriptionTransaction } from '../../src/modules/subscription/infra/subscription-repository';
import { startBillingService } from '../../src/service';
import { ENTERPRISE, FREE } from '../domain/fixtures';

// The entitlements module against real PostgreSQL and Kafka: publishEntitlements bumps the
// organization's version and writes the row and its billing.entitlements.changed.v1 outbox row in the
// caller's transaction (both or neither), concurrent publications get consecutive versions, sign-up
// provisioning publishes version 1, and Organization.entitlements shows them to the organization only.

const CHANGED = 'billing.entitlements.changed.v1';
const ENTITLEMENTS = `... on Organization {
  id
  entitlements {
    plan { id name } status version contactLimit customFieldLimit storageGb aiInsights apiAccess
    interactionTracking support seats changedAt
  }
}`;

describe('entitlements module', () => {
  const subject = serviceUnderTest('billing', (env) =>
    startBillingService({
      ...env.startOptions(),
      consumers: false,
      localPaymentProvider: { outcomeDelayMs: 20 },
    }),
  );

  function change(organizationId: string, overrides: Partial<EntitlementsChange> = {}): EntitlementsChange {
    return {
      organizationId,
      subscriptionId: randomUUID(),
      planId: 'enterprise',
      status: 'active',
      entitlements: entitlementsOf(ENTERPRISE.features, null),
      at: new Date('2026-06-01T08:00:00.000Z'),
      ...overrides,
    };
  }

  const publish = (organizationId: string, overrides: Partial<EntitlementsChange> = {}) =>
    withTenant(subject.service.database, organizationId, (tx) =>
      publishEntitlements(tx, change(organizationId, overrides)),
    );

  const rowOf = (organizationId: string) =>
    withTenant(subject.service.database, organizationId, (tx) =>
      tx.organizationEntitlements.findUnique({ where: { organizationId } }),
    );

  const envelope = z.object({ data: z.object({ version: z.number() }).loose() });

  /** The organization's entitlements events in the outbox, oldest first. */
  async function eventsOf(organizationId: string) {
    const rows = await subject.service.database.outboxEvent.findMany({
      where: { eventType: CHANGED, partitionKey: organizationId },
      orderBy: { seq: 'asc' },
    });
    return rows.map((row) => ({ topic: row.topic, key: row.partitionKey, payload: row.payload }));
  }

  /** The data of the organization's entitlements events, oldest first. */
  const dataOf = async (organizationId: string) =>
    (await eventsOf(organizationId)).map(({ payload }) => envelope.parse(payload).data);

  const versionsOf = async (organizationId: string) =>
    (await dataOf(organizationId)).map((data) => data.version);

  const entities = (auth: Partial<InternalContext>, ids: string[]) =>
    subject.env.entities<{ id: string; entitlements: Record<string, unknown> | null }>(
      subject.service.graphqlUrl,
      ENTITLEMENTS,
      auth,
      ids.map((id) => ({ __typename: 'Organization', id })),
    );

  it('publishes version 1, then one more per change, each with its outbox row keyed by the organization', async () => {
    const { organizationId } = newTenant();
    const first = change(organizationId);
    await withTenant(subject.service.database, organizationId, (tx) => publishEntitlements(tx, first));
    expect(await rowOf(organizationId)).toMatchObject({ version: 1, planId: 'enterprise', seats: null });

    const downgraded = new Date('2026-07-01T08:00:00.000Z');
    await publish(organizationId, {
      subscriptionId: first.subscriptionId,
      planId: 'free',
      status: 'canceled',
      entitlements: entitlementsOf(FREE.features, 3),
      at: downgraded,
    });
    expect(await rowOf(organizationId)).toMatchObject({
      version: 2,
      subscriptionId: first.subscriptionId,
      planId: 'free',
      status: 'canceled',
      contactLimit: 100,
      customFieldLimit: 5,
      storageGb: 1,
      aiInsights: 'none',
      apiAccess: 'read_only',
      interactionTracking: 'limited',
      support: 'community',
      seats: 3,
      changedAt: downgraded,
    });
    const events = await eventsOf(organizationId);
    expect(events.map(({ topic, key }) => [topic, key])).toEqual([
      ['billing.entitlements', organizationId],
      ['billing.entitlements', organizationId],
    ]);
    expect(events[1]?.payload).toMatchObject({
      type: CHANGED,
      subject: organizationId,
      tenantid: organizationId,
      time: downgraded.toISOString(),
      data: {
        organizationId,
        subscriptionId: first.subscriptionId,
        planId: 'free',
        status: 'canceled',
        version: 2,
        entitlements: { ...FREE.features, seats: 3 },
        changedAt: downgraded.toISOString(),
      },
    });
  });

  it('writes the row and its event in the caller’s transaction: a rollback leaves neither', async () => {
    const { organizationId } = newTenant();
    await publish(organizationId);
    const failing = withTenant(subject.service.database, organizationId, async (tx) => {
      await publishEntitlements(tx, change(organizationId, { planId: 'free' }));
      // Inside the transaction the change and its event are there, together.
      const inside = await tx.organizationEntitlements.findUniqueOrThrow({ where: { organizationId } });
      const pending = await tx.outboxEvent.count({
        where: { eventType: CHANGED, partitionKey: organizationId },
      });
      expect([inside.version, pending]).toEqual([2, 2]);
      throw new Error('the lifecycle step failed after publishing');
    });
    await expect(failing).rejects.toThrow('the lifecycle step failed after publishing');
    expect(await rowOf(organizationId)).toMatchObject({ version: 1, planId: 'enterprise' });
    expect(await versionsOf(organizationId)).toEqual([1]);
  });

  it('gives concurrent publications for one organization consecutive versions, none twice', async () => {
    const { organizationId } = newTenant();
    await Promise.all(Array.from({ length: 6 }, () => publish(organizationId)));
    expect(await rowOf(organizationId)).toMatchObject({ version: 6 });
    // In commit order: each publication waited for the previous one's row lock.
    expect(await versionsOf(organizationId)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('keeps organizations apart: each has versions of its own', async () => {
    const [one, two] = [newTenant(), newTenant()];
    await publish(one.organizationId);
    await publish(one.organizationId);
    await publish(two.organizationId);
    expect((await rowOf(one.organizationId))?.version).toBe(2);
    expect((await rowOf(two.organizationId))?.version).toBe(1);
  });

  it('publishes version 1 at sign-up: the Free plan’s features and the subscription’s seats', async () => {
    const { organizationId } = newTenant();
    const at = new Date('2026-05-01T12:00:00.000Z');
    const subscription = await withTenant(subject.service.database, organizationId, (tx) =>
      provisionOrganization(tx, organizationId, at),
    );
    // Provisioning again (a second sign-up event) keeps the subscription and publishes nothing.
    await withTenant(subject.service.database, organizationId, (tx) =>
      provisionOrganization(tx, organizationId, new Date()),
    );
    expect(await dataOf(organizationId)).toEqual([
      {
        organizationId,
        subscriptionId: subscription.id,
        planId: 'free',
        status: 'active',
        version: 1,
        entitlements: { ...FREE.features, seats: 3 },
        changedAt: at.toISOString(),
      },
    ]);
  });

  it('publishes the seats of every seat change: an increase at once, a decrease at the renewal', async () => {
    const caller = newTenant();
    const { organizationId } = caller;
    const { env, service } = subject;
    const call = async <T>(query: string, variables: Record<string, unknown> = {}) => {
      const answer = await env.graphql<T>(service.graphqlUrl, query, variables, await env.headersFor(caller));
      expect(answer.errors).toBeUndefined();
      return answer.data;
    };
    const billing = async () => {
      const [organization] = await env.entities<{
        subscription: { id: string; status: string; currentPeriodEnd: string; seatsLimit: number };
        invoices: Array<{ status: string }>;
        entitlements: { plan: { id: string }; seats: number | null; version: number };
      }>(
        service.graphqlUrl,
        `... on Organization {
          subscription { id status currentPeriodEnd seatsLimit }
          invoices(first: 1) { status }
          entitlements { plan { id } seats version }
        }`,
        caller,
        [{ __typename: 'Organization', id: organizationId }],
      );
      if (!organization) throw new Error('no organization');
      return organization;
    };
    const until = async (what: string, done: (state: Awaited<ReturnType<typeof billing>>) => boolean) => {
      const deadline = Date.now() + 20_000;
      for (let state = await billing(); ; state = await billing()) {
        if (done(state)) return state;
        if (Date.now() > deadline) throw new Error(`${what} did not happen: ${JSON.stringify(state)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const changeSeats = (seats: number) =>
      call(
        `mutation ($seats: Int!) { changeSubscriptionPlan(input: { planId: "basic", seats: $seats }) { status } }`,
        {
          seats,
        },
      );

    await withTenant(service.database, organizationId, (tx) =>
      provisionOrganization(tx, organizationId, new Date()),
    );
    await call(`mutation { setPaymentMethod(token: "pm_card_visa") { last4 } }`);
    await call(`mutation { startSubscription(input: { planId: "basic", seats: 2 }) { status } }`);
    let state = await until('the first payment', (now) => now.subscription.status === 'active');
    expect(state.entitlements).toMatchObject({ plan: { id: 'basic' }, seats: 2 });
    const published = (await dataOf(organizationId)).length;

    // Two more seats on the same plan: an upgrade, prorated at once, and the seats are news at once.
    await changeSeats(4);
    state = await until('the proration paid', (now) => now.invoices[0]?.status === 'paid');
    expect(state.entitlements).toMatchObject({ plan: { id: 'basic' }, seats: 4, version: published + 1 });
    expect((await dataOf(organizationId)).at(-1)).toMatchObject({
      planId: 'basic',
      version: published + 1,
      entitlements: { contactLimit: 1000, seats: 4 },
    });

    // Down to three: scheduled for the period end, so nothing changes (nor is published) until then.
    await changeSeats(3);
    expect(await dataOf(organizationId)).toHaveLength(published + 1);
    const periodEnd = new Date(state.subscription.currentPeriodEnd);
    await withTenant(service.database, organizationId, (tx) =>
      runDueEvents(
        subscriptionTransaction(tx, subscriptionCollaborators()),
        organizationId,
        state.subscription.id,
        new Date(periodEnd.getTime() + 60_000),
      ),
    );
    state = await billing();
    expect(state.subscription.seatsLimit).toBe(3);
    expect(state.entitlements).toMatchObject({ plan: { id: 'basic' }, seats: 3, version: published + 2 });
    expect((await dataOf(organizationId)).at(-1)).toMatchObject({
      planId: 'basic',
      version: published + 2,
      entitlements: { seats: 3 },
    });
  });

  describe('Organization.entitlements', () => {
    it('shows the organization its own entitlements, every field', async () => {
      const caller = newTenant();
      const at = new Date('2026-05-01T12:00:00.000Z');
      await withTenant(subject.service.database, caller.organizationId, (tx) =>
        provisionOrganization(tx, caller.organizationId, at),
      );
      // Any member: a viewer without billing:read sees them too (frontends grey out what the plan lacks).
      const viewer = { ...caller, roles: ['viewer'], permissions: ['contacts:read'] };
      const [organization] = await entities(viewer, [caller.organizationId]);
      expect(organization).toEqual({
        id: caller.organizationId,
        entitlements: {
          plan: { id: 'free', name: 'Free' },
          status: 'active',
          version: 1,
          contactLimit: 100,
          customFieldLimit: 5,
          storageGb: 1,
          aiInsights: 'none',
          apiAccess: 'read_only',
          interactionTracking: 'limited',
          support: 'community',
          seats: 3,
          changedAt: at.toISOString(),
        },
      });
      // An API key of the organization reads them as well.
      const [byKey] = await entities({ organizationId: caller.organizationId, apiKeyId: randomUUID() }, [
        caller.organizationId,
      ]);
      expect(byKey?.entitlements).toMatchObject({ version: 1, apiAccess: 'read_only' });
    });

    it('follows every change: the newest version is what the graph shows', async () => {
      const caller = newTenant();
      await publish(caller.organizationId, {
        planId: 'free',
        entitlements: entitlementsOf(FREE.features, 3),
      });
      await publish(caller.organizationId);
      const [organization] = await entities(caller, [caller.organizationId]);
      expect(organization?.entitlements).toMatchObject({
        plan: { id: 'enterprise' },
        version: 2,
        contactLimit: null,
        customFieldLimit: null,
        storageGb: null,
        aiInsights: 'custom',
        apiAccess: 'full',
        seats: null,
      });
    });

    it('reads as null for another organization, an unknown one, and one not provisioned yet', async () => {
      const [caller, other, unprovisioned] = [newTenant(), newTenant(), newTenant()];
      await Promise.all([publish(caller.organizationId), publish(other.organizationId)]);
      const result = await entities(caller, [other.organizationId, randomUUID(), caller.organizationId]);
      expect(result.map((organization) => organization?.entitlements?.version ?? null)).toEqual([
        null,
        null,
        1,
      ]);
      const [pending] = await entities(unprovisioned, [unprovisioned.organizationId]);
      expect(pending).toEqual({ id: unprovisioned.organizationId, entitlements: null });
    });

    it('needs a signed-in caller', async () => {
      const caller = newTenant();
      await publish(caller.organizationId);
      const { env, service } = subject;
      const answer = await env.graphql(
        service.graphqlUrl,
        `query ($representations: [_Any!]!) { _entities(representations: $representations) { ${ENTITLEMENTS} } }`,
        { representations: [{ __typename: 'Organization', id: caller.organizationId }] },
        await env.headersFor({}),
      );
      expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(answer.data).toEqual({ _entities: [{ id: caller.organizationId, entitlements: null }] });
    });
  });
});
