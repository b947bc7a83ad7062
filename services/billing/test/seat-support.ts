import { createEvent, toKafkaMessage, topicName, type CatalogEvent } from '@platform/events';
import type { MessageProducer } from '@platform/messaging';
import { tenantDatabase, withTenant } from '@platform/service-kit';
import { randomUUID } from 'node:crypto';
import { provisionOrganization } from '../src/consumers/provisioning';
import { systemClock } from '../src/clock';
import { subscriptionOperations } from '../src/modules/subscription/domain/subscription-operations';
import { subscriptionCollaborators } from '../src/modules/subscription/infra/collaborators';
import { subscriptionRepository } from '../src/modules/subscription/infra/subscription-repository';
import type { Database } from '../src/service';

/** Seeds and event helpers of the seat and billing-info tests. */

/**
 * Puts a new organization on a paid plan with `seats` seats, the way a customer does: sign-up's Free,
 * then a trial of the plan started through the subscription operations (active at once, nothing to
 * pay; no user acts, so nobody holds a seat yet). Enterprise gets a custom price.
 */
export async function onPaidPlan(
  database: Database,
  organizationId: string,
  plan: 'basic' | 'pro' | 'enterprise',
  seats: number,
): Promise<string> {
  await withTenant(database, organizationId, (tx) => provisionOrganization(tx, organizationId, new Date()));
  const repository = subscriptionRepository(
    tenantDatabase(database, { notify: () => undefined }),
    subscriptionCollaborators(),
  );
  const subscription = await subscriptionOperations(repository, systemClock).start(
    { organizationId, userId: null },
    {
      planId: plan,
      seats,
      trialDays: 30,
      ...(plan === 'enterprise' ? { customSeatPriceMonthlyCents: '50000' } : {}),
    },
  );
  return subscription.id;
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
