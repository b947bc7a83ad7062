import { randomUUID } from 'node:crypto';
import { SYSTEM_ROLE_PERMISSIONS } from '@platform/domain';
import { createEvent, toKafkaMessage, topicName, type CatalogEvent } from '@platform/events';
import {
  anonymousContext,
  importInternalContextPrivateKey,
  INTERNAL_CONTEXT_HEADER,
  signInternalContext,
} from '@platform/service-kit';
import { z } from 'zod';
import { BILLING_SEATS_GROUP } from '../../src/consumers/billing-seats';
import { PRINCIPAL_PATH } from '../../src/service';
import { identityUnderTest, signUpDirectly, storeUsers } from '../support';

// The seat rule where it is enforced: identity keeps billing's plan and seats (billing's events, through
// its consumer) and narrows the principal of a member without a seat of a plan priced per seat to
// reading; the gateway signs those permissions into every request, and the services refuse the rest.

const principalSchema = z.object({ principal: z.object({ permissions: z.array(z.string()) }) });
const accessChangedPayload = z.object({
  data: z.object({ cause: z.string(), userId: z.string().nullable(), version: z.number() }),
});

describe('the seat rule in identity’s principals (real PostgreSQL and Kafka)', () => {
  const subject = identityUnderTest();

  async function permissionsOf(organizationId: string, userId: string): Promise<string[]> {
    const { env, service: identity } = subject;
    const key = await importInternalContextPrivateKey(env.internalContextKeys.privateJwk);
    const response = await fetch(`${identity.url}${PRINCIPAL_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [INTERNAL_CONTEXT_HEADER]: await signInternalContext(key, anonymousContext(), { requestId: 'seat' }),
      },
      body: JSON.stringify({ credential: { type: 'user', organizationId, userId } }),
    });
    expect(response.status).toBe(200);
    return principalSchema.parse(await response.json()).principal.permissions;
  }

  /** Publishes billing's events as billing would, and waits until identity has applied them. */
  async function fromBilling(...events: CatalogEvent[]): Promise<void> {
    const { env, service: identity } = subject;
    for (const event of events) {
      const topic = event.type.startsWith('billing.seat.') ? 'billing.seat' : 'billing.entitlements';
      await identity.messaging.producer.send(topicName(topic, env.kafka.topicPrefix), [
        toKafkaMessage(event),
      ]);
    }
    const ids = events.map((event) => event.id);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const done = await identity.database.processedEvent.count({
        where: { consumerGroup: BILLING_SEATS_GROUP, eventId: { in: ids } },
      });
      if (done === ids.length) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('billing’s events were not applied within 30 s');
  }

  function plan(organizationId: string, planId: 'free' | 'basic' | 'pro', version: number) {
    return createEvent('billing.entitlements.changed.v1', {
      source: '/services/billing',
      subject: organizationId,
      tenantId: organizationId,
      data: {
        organizationId,
        subscriptionId: randomUUID(),
        planId,
        status: 'active',
        version,
        entitlements: {
          contactLimit: null,
          customFieldLimit: null,
          storageGb: null,
          aiInsights: 'basic',
          apiAccess: 'full',
          interactionTracking: 'full',
          support: 'email',
          seats: 10,
        },
        changedAt: new Date().toISOString(),
      },
    });
  }

  function seat(organizationId: string, userId: string, seated: boolean, version: number): CatalogEvent {
    const common = {
      organizationId,
      subscriptionId: randomUUID(),
      assignmentId: randomUUID(),
      userId,
      version,
      seatsAssigned: seated ? 1 : 0,
      seatsLimit: 10,
    };
    const envelope = { source: '/services/billing', subject: organizationId, tenantId: organizationId };
    return seated
      ? createEvent('billing.seat.assigned.v1', {
          ...envelope,
          data: { ...common, assignedById: null, assignedAt: new Date().toISOString() },
        })
      : createEvent('billing.seat.unassigned.v1', {
          ...envelope,
          data: {
            ...common,
            cause: 'unassigned',
            deactivatedById: null,
            deactivatedAt: new Date().toISOString(),
          },
        });
  }

  async function organization(label: string) {
    const { env, service: identity } = subject;
    const founder = await signUpDirectly(env, identity, label);
    const agent = randomUUID();
    await storeUsers(identity, founder.organizationId, [
      { id: agent, email: `agent@${founder.slug}.example.com`, roles: ['agent'] },
    ]);
    return { organizationId: founder.organizationId, owner: founder.userId, agent };
  }

  /** identity.organization.access_changed.v1 of the seat rule (this consumer's causes), oldest first. */
  async function accessChanges(organizationId: string) {
    const rows = await subject.service.database.outboxEvent.findMany({
      where: { eventType: 'identity.organization.access_changed.v1', partitionKey: organizationId },
      orderBy: { seq: 'asc' },
    });
    return rows
      .map((row) => accessChangedPayload.parse(row.payload).data)
      .filter((data) => data.cause !== 'api_access')
      .map(({ cause, userId, version }) => ({ cause, userId, version }));
  }

  const agentPermissions = [...SYSTEM_ROLE_PERMISSIONS.agent].sort();
  const agentReads = agentPermissions.filter((permission) => /:(read|read_pii)$/.test(permission));

  it('narrows seatless members of a paid plan to reading, and gives a seated one back their role', async () => {
    const { organizationId, owner, agent } = await organization('seats');
    // Free (and before billing said anything): nobody needs a seat.
    expect(await permissionsOf(organizationId, agent)).toEqual(agentPermissions);

    await fromBilling(plan(organizationId, 'basic', 1));
    expect(await permissionsOf(organizationId, agent)).toEqual(agentReads);
    const ownerSeatless = await permissionsOf(organizationId, owner);
    expect(ownerSeatless).toContain('billing:manage');
    expect(ownerSeatless).not.toContain('users:invite');

    await fromBilling(seat(organizationId, agent, true, 1));
    expect(await permissionsOf(organizationId, agent)).toEqual(agentPermissions);

    await fromBilling(seat(organizationId, agent, false, 2));
    expect(await permissionsOf(organizationId, agent)).toEqual(agentReads);

    // Back on Free, nobody needs a seat.
    await fromBilling(plan(organizationId, 'free', 2));
    expect(await permissionsOf(organizationId, agent)).toEqual(agentPermissions);
  });

  it('keeps the newest seat and plan whatever order billing’s events arrive in', async () => {
    const { organizationId, agent } = await organization('order');
    await fromBilling(plan(organizationId, 'pro', 5), seat(organizationId, agent, true, 7));
    // Older events of the organization (a redelivery, another partition's straggler) change nothing.
    await fromBilling(seat(organizationId, agent, false, 6), plan(organizationId, 'free', 4));
    expect(await permissionsOf(organizationId, agent)).toEqual(agentPermissions);
    await fromBilling(seat(organizationId, agent, false, 8));
    expect(await permissionsOf(organizationId, agent)).toEqual(agentReads);
    // Each change applied, and only those, told the gateway to ask again (after it was stored).
    expect(await accessChanges(organizationId)).toEqual([
      { cause: 'seat_policy', userId: null, version: 5 },
      { cause: 'seat', userId: agent, version: 7 },
      { cause: 'seat', userId: agent, version: 8 },
    ]);
  });

  it('refuses a seatless member’s writes where the narrowed permissions travel (the signed context)', async () => {
    const { env, service: identity } = subject;
    const founder = await signUpDirectly(env, identity, 'refuse');
    const { organizationId } = founder;
    const manager = randomUUID();
    await storeUsers(identity, organizationId, [
      { id: manager, email: `manager@${founder.slug}.example.com`, roles: ['manager'] },
    ]);
    await fromBilling(plan(organizationId, 'basic', 1));
    // What the gateway would sign into the manager's requests now, and after a seat is given.
    const asManager = async () => ({
      organizationId,
      userId: manager,
      permissions: await permissionsOf(organizationId, manager),
    });
    const invite = `mutation($input: InviteUserInput!) { inviteUser(input: $input) { id } }`;
    const input = () => ({
      input: { email: `invitee-${randomUUID().slice(0, 8)}@example.com`, roles: ['viewer'] },
    });

    const seatless = await asManager();
    const refused = await subject.call(seatless, invite, input());
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const read = await subject.call<{ users: { totalCount: number } }>(seatless, '{ users { totalCount } }');
    expect(read.errors).toBeUndefined();
    expect(read.data?.users.totalCount).toBe(2);

    await fromBilling(seat(organizationId, manager, true, 1));
    const seated = await subject.call(await asManager(), invite, input());
    expect(seated.errors).toBeUndefined();
  });
});
