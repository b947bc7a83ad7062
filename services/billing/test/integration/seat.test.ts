import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CatalogEvent } from '@platform/events';
import { withTenant, type InternalContext } from '@platform/service-kit';
import { serviceUnderTest } from '@platform/service-kit/testing';
import { USERS_GROUP } from '../../src/consumers/users';
import { assignedSeatCount, assignInitialSeat, releaseSeats } from '../../src/modules/seat/infra/seats';
import { runDueEvents } from '../../src/modules/subscription/domain/subscription-operations';
import { subscriptionCollaborators } from '../../src/modules/subscription/infra/collaborators';
import { subscriptionTransaction } from '../../src/modules/subscription/infra/subscription-repository';
import { startBillingService } from '../../src/service';
import {
  handled,
  onFree,
  onPaidPlan,
  publishUserEvents,
  userCreated,
  userStatusChanged,
} from '../seat-support';

// Seats through billing's subgraph against real PostgreSQL and Kafka: identity's user events come in
// through the user consumer, assignments and their billing.seat.* outbox rows commit together, and the
// organization's seat ledger lock gives the last seat to exactly one of concurrent assignments.

interface Assignment {
  id: string;
  subscriptionId: string;
  user: { id: string };
  assignedBy: { id: string } | null;
  isActive: boolean;
  deactivatedBy: { id: string } | null;
  deactivationCause: string | null;
  deactivationReason: string | null;
  endDate: string | null;
  metadata: Record<string, unknown>;
}

interface Seats {
  required: boolean;
  limit: number | null;
  assigned: number;
  available: number | null;
}

type Caller = Partial<InternalContext> & { organizationId: string; userId: string };

const ASSIGNMENT = `id subscriptionId user { id } assignedBy { id } isActive deactivatedBy { id }
  deactivationCause deactivationReason endDate metadata`;

describe('seat module', () => {
  const subject = serviceUnderTest('billing', (env) =>
    startBillingService({ ...env.startOptions(), localPaymentProvider: { outcomeDelayMs: 20 } }),
  );

  async function publish(events: readonly CatalogEvent[]): Promise<void> {
    const { env, service: billing } = subject;
    await publishUserEvents(billing.messaging.producer, env.kafka.topicPrefix, events);
    await handled(
      billing.database,
      USERS_GROUP,
      events.map((event) => event.id),
    );
  }

  /** A new organization on Basic with `seatsLimit` seats, its manager and `active` active users. */
  async function organization(seatsLimit: number, active = 2) {
    const organizationId = randomUUID();
    const manager: Caller = { organizationId, userId: randomUUID() };
    const subscriptionId = await onPaidPlan(subject.service.database, organizationId, 'basic', seatsLimit);
    const users = Array.from({ length: active }, () => randomUUID());
    await publish([manager.userId, ...users].map((id) => userCreated(organizationId, id)));
    return { organizationId, manager, subscriptionId, users };
  }

  async function assign(caller: Caller, userId: string) {
    const { env, service: billing } = subject;
    return env.graphql<{ assignSeat: Assignment }>(
      billing.graphqlUrl,
      `mutation($userId: ID!) { assignSeat(userId: $userId) { ${ASSIGNMENT} } }`,
      { userId },
      await env.headersFor(caller),
    );
  }

  async function unassign(caller: Caller, userId: string, reason?: string) {
    const { env, service: billing } = subject;
    return env.graphql<{ unassignSeat: Assignment }>(
      billing.graphqlUrl,
      `mutation($userId: ID!, $reason: String) { unassignSeat(userId: $userId, reason: $reason) { ${ASSIGNMENT} } }`,
      { userId, reason },
      await env.headersFor(caller),
    );
  }

  /** The organization's seat picture and assignments, as the organization itself reads them. */
  async function seatsOf(caller: Caller, includeInactive = false) {
    const [organization] = await subject.env.entities<{
      subscription: { seats: Seats } | null;
      seatAssignments: { totalCount: number; edges: Array<{ node: Assignment }> } | null;
    }>(
      subject.service.graphqlUrl,
      `... on Organization { subscription { seats { required limit assigned available } }
         seatAssignments(includeInactive: ${includeInactive}) { totalCount edges { node { ${ASSIGNMENT} } } } }`,
      caller,
      [{ __typename: 'Organization', id: caller.organizationId }],
    );
    return organization;
  }

  const storedEvent = z.object({
    type: z.string(),
    subject: z.string(),
    data: z.record(z.string(), z.unknown()),
  });

  /** The organization's billing.seat.* events in the outbox, oldest first. */
  const seatEvents = async (organizationId: string) =>
    (
      await subject.service.database.outboxEvent.findMany({
        where: {
          payload: { path: ['tenantid'], equals: organizationId },
          eventType: { startsWith: 'billing.seat.' },
        },
        orderBy: { seq: 'asc' },
      })
    ).map((row) => storedEvent.parse(row.payload));

  it('assigns and unassigns seats, keeps the history and publishes each change with its version', async () => {
    const { organizationId, manager, subscriptionId, users } = await organization(3);
    const [alice, bob] = users;
    if (!alice || !bob) throw new Error('two users expected');

    const given = await assign(manager, alice);
    expect(given.errors).toBeUndefined();
    expect(given.data?.assignSeat).toEqual({
      id: given.data?.assignSeat.id,
      subscriptionId,
      user: { id: alice },
      assignedBy: { id: manager.userId },
      isActive: true,
      deactivatedBy: null,
      deactivationCause: null,
      deactivationReason: null,
      endDate: null,
      metadata: { origin: 'manual' },
    });
    // Idempotent: the seat Alice holds is the answer, nothing else changes.
    expect((await assign(manager, alice)).data?.assignSeat.id).toBe(given.data?.assignSeat.id);
    expect((await assign(manager, bob)).errors).toBeUndefined();
    expect((await seatsOf(manager))?.subscription?.seats).toEqual({
      required: true,
      limit: 3,
      assigned: 2,
      available: 1,
    });

    const released = await unassign(manager, alice, 'Moved to the partner team');
    expect(released.errors).toBeUndefined();
    expect(released.data?.unassignSeat).toMatchObject({
      id: given.data?.assignSeat.id,
      isActive: false,
      deactivatedBy: { id: manager.userId },
      deactivationCause: 'unassigned',
      deactivationReason: 'Moved to the partner team',
    });
    expect(released.data?.unassignSeat.endDate).not.toBeNull();
    expect((await unassign(manager, alice)).errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');

    const active = await seatsOf(manager);
    expect(active?.subscription?.seats).toEqual({ required: true, limit: 3, assigned: 1, available: 2 });
    expect(active?.seatAssignments?.edges.map((edge) => edge.node.user.id)).toEqual([bob]);
    const history = await seatsOf(manager, true);
    expect(history?.seatAssignments?.totalCount).toBe(2);
    expect(history?.seatAssignments?.edges.map((edge) => [edge.node.user.id, edge.node.isActive])).toEqual([
      [bob, true],
      [alice, false],
    ]);
    // Pages: one at a time, on from a cursor; a forged cursor is the caller's mistake.
    const headers = await subject.env.headersFor(manager);
    const page = (after: string | null) =>
      subject.env.graphql<{
        _entities: Array<{
          seatAssignments: {
            edges: Array<{ cursor: string; node: Assignment }>;
            pageInfo: { hasNextPage: boolean };
          };
        }>;
      }>(
        subject.service.graphqlUrl,
        `query($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on Organization {
           seatAssignments(includeInactive: true, first: 1, after: $after) {
             edges { cursor node { user { id } } } pageInfo { hasNextPage } } } } }`,
        { r: [{ __typename: 'Organization', id: organizationId }], after },
        headers,
      );
    const first = (await page(null)).data?._entities[0]?.seatAssignments;
    expect(first?.edges.map((edge) => edge.node.user.id)).toEqual([bob]);
    expect(first?.pageInfo.hasNextPage).toBe(true);
    const second = (await page(first?.edges[0]?.cursor ?? null)).data?._entities[0]?.seatAssignments;
    expect(second?.edges.map((edge) => edge.node.user.id)).toEqual([alice]);
    expect(second?.pageInfo.hasNextPage).toBe(false);
    const forged = Buffer.from(`${new Date().toISOString()}|not-a-uuid`).toString('base64url');
    expect((await page(forged)).errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');

    const events = await seatEvents(organizationId);
    expect(events.map((event) => [event.type, event.subject])).toEqual([
      ['billing.seat.assigned.v1', organizationId],
      ['billing.seat.assigned.v1', organizationId],
      ['billing.seat.unassigned.v1', organizationId],
    ]);
    expect(events.map((event) => event.data)).toMatchObject([
      { userId: alice, version: 1, seatsAssigned: 1, seatsLimit: 3, assignedById: manager.userId },
      { userId: bob, version: 2, seatsAssigned: 2 },
      { userId: alice, version: 3, seatsAssigned: 1, cause: 'unassigned', deactivatedById: manager.userId },
    ]);
    // The reason is free text: it stays in billing.
    expect(JSON.stringify(events)).not.toContain('partner team');
    // Audited as the changes they are, by the manager.
    const audit = await subject.env.auditEntries(organizationId);
    expect(
      audit.filter((entry) => entry.action.startsWith('billing.seat.')).map((entry) => entry.action),
    ).toEqual(['billing.seat.assigned', 'billing.seat.assigned', 'billing.seat.unassigned']);
  });

  it('refuses the seat after the last with PLAN_LIMIT_REACHED, naming the limit and the count', async () => {
    const { organizationId, manager, users } = await organization(1);
    const [alice, bob] = users;
    if (!alice || !bob) throw new Error('two users expected');
    expect((await assign(manager, alice)).errors).toBeUndefined();
    const refused = await assign(manager, bob);
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'PLAN_LIMIT_REACHED',
      details: { limit: 'seats', maximum: 1, current: 1 },
    });
    expect((await seatsOf(manager))?.subscription?.seats.assigned).toBe(1);
    expect(await seatEvents(organizationId)).toHaveLength(1);
  });

  interface PaidSubscription {
    id: string;
    status: string;
    seatsLimit: number;
    currentPeriodEnd: string;
    scheduledSeats: number | null;
    seats: Seats;
  }

  const PAID_SUBSCRIPTION =
    'id status seatsLimit currentPeriodEnd scheduledSeats seats { required limit assigned available }';

  async function call<T>(caller: Caller, query: string, variables: Record<string, unknown> = {}) {
    const { env, service: billing } = subject;
    return env.graphql<T>(billing.graphqlUrl, query, variables, await env.headersFor(caller));
  }

  async function subscriptionOf(caller: Caller): Promise<PaidSubscription> {
    const [organization] = await subject.env.entities<{ subscription: PaidSubscription | null }>(
      subject.service.graphqlUrl,
      `... on Organization { subscription { ${PAID_SUBSCRIPTION} } }`,
      caller,
      [{ __typename: 'Organization', id: caller.organizationId }],
    );
    if (!organization?.subscription) throw new Error('no subscription');
    return organization.subscription;
  }

  /**
   * A new organization on Basic with `seats` seats, started by its manager with a card that pays (the
   * local provider settles the first invoice: active, not a trial), the manager holding the first seat.
   */
  async function paidOrganization(seats: number, active = 2) {
    const organizationId = randomUUID();
    const manager: Caller = { organizationId, userId: randomUUID() };
    await onFree(subject.service.database, organizationId);
    const users = Array.from({ length: active }, () => randomUUID());
    await publish([manager.userId, ...users].map((id) => userCreated(organizationId, id)));
    const card = await call(manager, `mutation { setPaymentMethod(token: "pm_card_visa") { last4 } }`);
    expect(card.errors).toBeUndefined();
    const started = await call<{ startSubscription: { id: string } }>(
      manager,
      `mutation ($seats: Int!) { startSubscription(input: { planId: "basic", seats: $seats }) { id } }`,
      { seats },
    );
    expect(started.errors).toBeUndefined();
    const deadline = Date.now() + 20_000;
    let subscription = await subscriptionOf(manager);
    while (subscription.status !== 'active' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      subscription = await subscriptionOf(manager);
    }
    expect(subscription.status).toBe('active');
    return { organizationId, manager, subscription, users };
  }

  const changeSeats = (caller: Caller, seats: number) =>
    call<{ changeSubscriptionPlan: { scheduledSeats: number | null } }>(
      caller,
      `mutation ($seats: Int!) { changeSubscriptionPlan(input: { planId: "basic", seats: $seats }) { scheduledSeats } }`,
      { seats },
    );

  it('gives no seat beyond a lower limit scheduled for the period end (PLAN_LIMIT_REACHED naming it)', async () => {
    const { organizationId, manager, subscription, users } = await paidOrganization(4);
    const [alice, bob] = users;
    if (!alice || !bob) throw new Error('two users expected');
    expect((await assign(manager, alice)).errors).toBeUndefined();

    // Down to 2 seats at the period end: the manager's and Alice's fit, so the change is taken.
    const scheduled = await changeSeats(manager, 2);
    expect(scheduled.errors).toBeUndefined();
    expect(scheduled.data?.changeSubscriptionPlan.scheduledSeats).toBe(2);
    // Four seats are paid until then, but a third would not fit the scheduled two.
    const refused = await assign(manager, bob);
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'PLAN_LIMIT_REACHED',
      details: {
        limit: 'seats',
        maximum: 2,
        current: 2,
        scheduled: { seatsLimit: 2, from: subscription.currentPeriodEnd },
      },
    });
    expect((await subscriptionOf(manager)).seats).toEqual({
      required: true,
      limit: 4,
      assigned: 2,
      available: 0,
    });
    expect((await seatEvents(organizationId)).map((event) => event.data.userId)).toEqual([
      manager.userId,
      alice,
    ]);

    // Withdrawing the change (asking for the current seats) gives the seats back.
    expect((await changeSeats(manager, 4)).data?.changeSubscriptionPlan.scheduledSeats).toBeNull();
    expect((await assign(manager, bob)).errors).toBeUndefined();
  });

  it('renews into the lower seat limit with the seats that fit it; should more be held, the newest go', async () => {
    const { database } = subject.service;
    const { organizationId, manager, subscription, users } = await paidOrganization(3);
    const [alice, bob] = users;
    if (!alice || !bob) throw new Error('two users expected');
    expect((await assign(manager, alice)).errors).toBeUndefined();
    expect((await changeSeats(manager, 2)).errors).toBeUndefined();
    // An assignment the seat rules would have refused (say, made before they knew of scheduled limits).
    const stray = randomUUID();
    await withTenant(database, organizationId, (tx) =>
      tx.seatAssignment.create({
        data: {
          id: stray,
          organizationId,
          organizationSubscriptionId: subscription.id,
          userId: bob,
          assignedBy: manager.userId,
          assignedAt: new Date(),
          startDate: new Date(),
          isActive: true,
          metadata: { origin: 'manual' },
        },
      }),
    );

    // The period ends: the renewal applies the two seats and releases the newest seat over them.
    const periodEnd = new Date(subscription.currentPeriodEnd);
    await withTenant(database, organizationId, (tx) =>
      runDueEvents(
        subscriptionTransaction(tx, subscriptionCollaborators()),
        organizationId,
        subscription.id,
        new Date(periodEnd.getTime() + 60_000),
      ),
    );
    const renewed = await subscriptionOf(manager);
    expect(renewed).toMatchObject({
      seatsLimit: 2,
      scheduledSeats: null,
      seats: { limit: 2, assigned: 2, available: 0 },
    });
    const history = (await seatsOf(manager, true))?.seatAssignments?.edges.map((edge) => edge.node) ?? [];
    expect(history.find((assignment) => assignment.id === stray)).toMatchObject({
      user: { id: bob },
      isActive: false,
      deactivatedBy: null,
      deactivationCause: 'unassigned',
      deactivationReason: 'Seats reduced to 2',
    });
    expect(
      history
        .filter((assignment) => assignment.isActive)
        .map((assignment) => assignment.user.id)
        .sort(),
    ).toEqual([manager.userId, alice].sort());
    expect((await seatEvents(organizationId)).at(-1)).toMatchObject({
      type: 'billing.seat.unassigned.v1',
      data: { userId: bob, cause: 'unassigned', seatsAssigned: 2, seatsLimit: 2 },
    });
  });

  it('gives the last seat to exactly one of concurrent assignments', async () => {
    const { manager, users } = await organization(2, 7);
    const [first, ...racing] = users;
    if (!first) throw new Error('users expected');
    expect((await assign(manager, first)).errors).toBeUndefined();

    const results = await Promise.all(racing.map((userId) => assign(manager, userId)));
    const codes = results.map((result) => result.errors?.[0]?.extensions?.['code'] ?? 'assigned');
    expect(codes.filter((code) => code === 'assigned')).toHaveLength(1);
    expect(codes.filter((code) => code === 'PLAN_LIMIT_REACHED')).toHaveLength(racing.length - 1);
    const seats = await seatsOf(manager);
    expect(seats?.subscription?.seats).toMatchObject({ limit: 2, assigned: 2, available: 0 });
    expect(seats?.seatAssignments?.totalCount).toBe(2);
  });

  it('gives one seat to a user assigned concurrently several times', async () => {
    const { manager, users } = await organization(5, 1);
    const [alice] = users;
    if (!alice) throw new Error('a user expected');
    const results = await Promise.all(Array.from({ length: 5 }, () => assign(manager, alice)));
    expect(results.map((result) => result.errors)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(new Set(results.map((result) => result.data?.assignSeat.id)).size).toBe(1);
    expect((await seatsOf(manager))?.subscription?.seats.assigned).toBe(1);
  });

  it('gives seats only to active users of the organization, and none on Free', async () => {
    const { organizationId, manager } = await organization(5, 0);
    const [invited, suspended, stranger] = [randomUUID(), randomUUID(), randomUUID()];
    const other = await organization(5, 1);
    await publish([
      userCreated(organizationId, invited, 'invited'),
      userCreated(organizationId, suspended, 'suspended'),
    ]);
    for (const userId of [invited, suspended, stranger, ...other.users]) {
      const refused = await assign(manager, userId);
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { issues: [{ path: 'userId' }] },
      });
    }
    expect((await assign(manager, 'not-a-uuid')).errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    // The manager themself always may (the signed context vouches for them).
    expect((await assign(manager, manager.userId)).errors).toBeUndefined();
    expect(await seatEvents(organizationId)).toHaveLength(1);

    const free = { organizationId: randomUUID(), userId: randomUUID() };
    await onFree(subject.service.database, free.organizationId);
    const onFreePlan = await assign(free, free.userId);
    expect(onFreePlan.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'seats_not_required', planId: 'free' },
    });
    expect((await seatsOf(free))?.subscription?.seats).toEqual({
      required: false,
      limit: 3,
      assigned: 0,
      available: 3,
    });
  });

  it('changes seats only with billing:manage and shows them only with billing:read, to the organization itself', async () => {
    const { manager, users } = await organization(3, 1);
    const [alice] = users;
    if (!alice) throw new Error('a user expected');
    const reader: Caller = { ...manager, permissions: ['billing:read'] };
    expect((await assign(reader, alice)).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await assign(manager, alice)).errors).toBeUndefined();
    expect((await unassign(reader, alice)).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await seatsOf(reader))?.seatAssignments?.totalCount).toBe(1);
    expect((await seatsOf({ ...manager, permissions: ['contacts:read'] }))?.seatAssignments).toBeNull();
    const stranger = { organizationId: randomUUID(), userId: randomUUID() };
    const [foreign] = await subject.env.entities<{ seatAssignments: { totalCount: number } | null }>(
      subject.service.graphqlUrl,
      '... on Organization { seatAssignments { totalCount } }',
      stranger,
      [{ __typename: 'Organization', id: manager.organizationId }],
    );
    expect(foreign).toEqual({ seatAssignments: { totalCount: 0 } });
  });

  it('releases the seat of a deactivated user from identity’s event; a redelivery or an older event changes nothing', async () => {
    const { organizationId, manager, users } = await organization(2, 2);
    const [alice, bob] = users;
    if (!alice || !bob) throw new Error('two users expected');
    await assign(manager, alice);
    await assign(manager, bob);

    const deactivated = userStatusChanged(organizationId, alice, {
      action: 'deactivate',
      from: 'active',
      to: 'inactive',
    });
    await publish([deactivated]);
    const history = await seatsOf(manager, true);
    expect(history?.seatAssignments?.edges.find((edge) => edge.node.user.id === alice)?.node).toMatchObject({
      isActive: false,
      deactivatedBy: null,
      deactivationCause: 'user_deactivated',
      deactivationReason: 'User deactivated',
    });
    expect(history?.seatAssignments?.edges.find((edge) => edge.node.user.id === bob)?.node.isActive).toBe(
      true,
    );

    // The same event again, and identity's older creation event of Alice: no seat comes back, none is
    // released twice, and Alice (inactive) still cannot be given one.
    await publish([deactivated, userCreated(organizationId, alice, 'active', new Date(Date.now() - 60_000))]);
    const events = await seatEvents(organizationId);
    expect(events.map((event) => event.type)).toEqual([
      'billing.seat.assigned.v1',
      'billing.seat.assigned.v1',
      'billing.seat.unassigned.v1',
    ]);
    expect(events[2]).toMatchObject({
      data: { userId: alice, cause: 'user_deactivated', deactivatedById: null, version: 3, seatsAssigned: 1 },
    });
    expect((await assign(manager, alice)).errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    // The system released it, because of identity's event: so says the audit trail.
    const audit = await subject.env.auditEntries(organizationId);
    expect(audit.find((entry) => entry.action === 'billing.seat.unassigned')).toMatchObject({
      actor: { type: 'system', userId: null },
      details: { causationEventId: deactivated.id },
    });

    // Suspended and deleted users lose theirs too, each with its cause.
    await publish([
      userStatusChanged(organizationId, bob, { action: 'suspend', from: 'active', to: 'suspended' }),
    ]);
    expect((await seatsOf(manager))?.subscription?.seats.assigned).toBe(0);
    const carol = randomUUID();
    await publish([userCreated(organizationId, carol)]);
    await assign(manager, carol);
    await publish([
      userStatusChanged(organizationId, carol, { action: 'delete', from: 'active', to: 'active' }),
    ]);
    const causes = (await seatsOf(manager, true))?.seatAssignments?.edges.map((edge) => [
      edge.node.user.id,
      edge.node.deactivationCause,
    ]);
    expect(causes).toEqual([
      [carol, 'user_deleted'],
      [bob, 'user_suspended'],
      [alice, 'user_deactivated'],
    ]);
  });

  it('serves the subscription module: the initial seat, the count under the lock, releasing every seat', async () => {
    const { database } = subject.service;
    const { organizationId, manager, subscriptionId, users } = await organization(2, 1);
    const [alice] = users;
    if (!alice) throw new Error('a user expected');

    const initial = await withTenant(database, organizationId, (tx) =>
      assignInitialSeat(tx, {
        organizationId,
        subscriptionId,
        userId: manager.userId,
        assignedBy: null,
        at: new Date(),
      }),
    );
    expect(initial.assignment).toMatchObject({
      userId: manager.userId,
      assignedBy: null,
      metadata: { origin: 'subscription_start' },
    });
    expect(initial.events.map((event) => event.type)).toEqual(['billing.seat.assigned.v1']);
    // The events are the caller's to store with its write.
    expect(await seatEvents(organizationId)).toEqual([]);
    const again = await withTenant(database, organizationId, (tx) =>
      assignInitialSeat(tx, {
        organizationId,
        subscriptionId,
        userId: manager.userId,
        assignedBy: null,
        at: new Date(),
      }),
    );
    expect(again).toEqual({ assignment: initial.assignment, events: [] });

    // A change of the seat limit made under assignedSeatCount's lock: an assignment arriving meanwhile
    // waits for it and then sees the new limit.
    const racing = await withTenant(database, organizationId, async (tx) => {
      const count = await assignedSeatCount(tx, organizationId);
      expect(count).toBe(1);
      const request = assign(manager, alice);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await tx.$executeRaw`UPDATE organization_subscriptions SET seats_limit = ${count} WHERE id = ${subscriptionId}::uuid`;
      return { request };
    });
    const raced = await racing.request;
    expect(raced.errors?.[0]?.extensions).toMatchObject({
      code: 'PLAN_LIMIT_REACHED',
      details: { maximum: 1, current: 1 },
    });

    const released = await withTenant(database, organizationId, (tx) =>
      releaseSeats(tx, { organizationId, at: new Date() }),
    );
    expect(released.map((event) => [event.type, event.data.userId])).toEqual([
      ['billing.seat.unassigned.v1', manager.userId],
    ]);
    expect(released[0]?.data).toMatchObject({ cause: 'subscription_ended', seatsAssigned: 0 });
    expect(
      (await seatsOf(manager, true))?.seatAssignments?.edges.map((edge) => edge.node.deactivationCause),
    ).toEqual(['subscription_ended']);
  });
});
