import { createEvent, toKafkaMessage, topicName, type CatalogEvent } from '@platform/events';
import type { MessageProducer } from '@platform/messaging';
import { withTenant } from '@platform/service-kit';
import { randomUUID } from 'node:crypto';
import { provisionOrganization } from '../src/consumers/provisioning';
import type { Database } from '../src/service';

/** Seeds and event helpers of the seat and billing-info tests. */

/**
 * Puts a new organization on a paid plan with `seatsLimit` seats: provisions its subscription and
 * moves it to the plan (the way the subscription module's upgrade will, for tests about seats).
 */
export async function onPaidPlan(
  database: Database,
  organizationId: string,
  plan: 'basic' | 'pro' | 'enterprise',
  seatsLimit: number | null,
): Promise<string> {
  return withTenant(database, organizationId, async (tx) => {
    const subscription = await provisionOrganization(tx, organizationId, new Date());
    await tx.$executeRaw`
      UPDATE organization_subscriptions SET plan_id = ${plan}, seats_limit = ${seatsLimit}::int
       WHERE id = ${subscription.id}::uuid`;
    return subscription.id;
  });
}

/** An organization on Free (what sign-up gives). */
export async function onFree(database: Database, organizationId: string): Promise<string> {
  const subscription = await withTenant(database, organizationId, (tx) =>
    provisionOrganization(tx, organizationId, new Date()),
  );
  return subscription.id;
}

export type UserStatus = 'invited' | 'pending' | 'active' | 'inactive' | 'suspended';

export function userCreated(
  organizationId: string,
  userId: string,
  status: UserStatus = 'active',
  at = new Date(),
): CatalogEvent<'identity.user.created.v1'> {
  return createEvent('identity.user.created.v1', {
    source: '/services/identity',
    subject: userId,
    tenantId: organizationId,
    time: at,
    data: {
      userId,
      organizationId,
      email: `user-${userId.slice(0, 8)}@example.com`,
      type: 'human',
      status,
      roles: ['agent'],
      givenName: null,
      familyName: null,
      createdAt: at.toISOString(),
    },
  });
}

export function userStatusChanged(
  organizationId: string,
  userId: string,
  change: { action: 'deactivate' | 'suspend' | 'delete' | 'reactivate'; from: UserStatus; to: UserStatus },
  at = new Date(),
): CatalogEvent<'identity.user.status_changed.v1'> {
  return createEvent('identity.user.status_changed.v1', {
    source: '/services/identity',
    subject: userId,
    tenantId: organizationId,
    time: at,
    data: {
      userId,
      organizationId,
      action: change.action,
      from: change.from,
      to: change.to,
      deleted: change.action === 'delete',
      reason: change.action === 'reactivate' ? null : 'Left the team',
      changedById: randomUUID(),
      occurredAt: at.toISOString(),
    },
  });
}

/** Publishes identity's user events as identity would (topic `identity.user`, key = user id). */
export async function publishUserEvents(
  producer: Pick<MessageProducer, 'send'>,
  topicPrefix: string,
  events: readonly CatalogEvent[],
): Promise<void> {
  await producer.send(topicName('identity.user', topicPrefix), events.map(toKafkaMessage));
}

/** Waits until consumer group `group` has committed its handling of every event of `eventIds`. */
export async function handled(database: Database, group: string, eventIds: readonly string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const done = await database.processedEvent.count({
      where: { consumerGroup: group, eventId: { in: [...eventIds] } },
    });
    if (done === eventIds.length) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`events ${eventIds.join(', ')} were not handled by ${group} within 30 s`);
}
