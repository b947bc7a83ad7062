import { randomUUID } from 'node:crypto';
import { createEvent, eventCatalog, toKafkaMessage, topicName, type CatalogEvent } from '@platform/events';
import { withTenant } from '@platform/service-kit';
import { serviceUnderTest } from '@platform/service-kit/testing';
import { eventually } from '@platform/testing';
import { MEMBERS_GROUP } from '../../src/consumers/members';
import { NOTIFICATION_GROUP } from '../../src/consumers/notifications';
import { LOCAL_MAILBOX_PATH, startAutomationService, type AutomationService } from '../../src/service';

// Billing's usage alerts become email to the organization's owners and admins: automation keeps its copy
// of identity's users from their events, and emails the active people holding owner or admin, once per
// alert and person, through the local mailbox.

describe('usage alerts', () => {
  const subject = serviceUnderTest('automation', (env) => startAutomationService(env.startOptions()));

  async function publish(...events: CatalogEvent[]): Promise<void> {
    const { env, service } = subject;
    for (const event of events) {
      await service.messaging.producer.send(
        topicName(eventCatalog[event.type].topic, env.kafka.topicPrefix),
        [toKafkaMessage(event)],
      );
    }
  }

  async function handled(group: string, events: readonly CatalogEvent[]): Promise<void> {
    const ids = events.map((event) => event.id);
    await eventually(`${ids.length} events handled by ${group}`, async () => {
      const rows = await subject.service.database.processedEvent.count({
        where: { consumerGroup: group, eventId: { in: ids } },
      });
      return rows === new Set(ids).size;
    });
  }

  async function mailbox(service: AutomationService, to: string) {
    const response = await fetch(`${service.url}${LOCAL_MAILBOX_PATH}?to=${encodeURIComponent(to)}`);
    return ((await response.json()) as { messages: Array<Record<string, string>> }).messages;
  }

  const user = (
    organizationId: string,
    roles: string[],
    overrides: { type?: 'human' | 'ai'; status?: 'active' | 'invited' } = {},
  ) => {
    const userId = randomUUID();
    return createEvent('identity.user.created.v1', {
      source: '/services/identity',
      subject: userId,
      tenantId: organizationId,
      data: {
        userId,
        organizationId,
        email: `${roles.join('-') || 'none'}-${userId.slice(0, 8)}@example.com`,
        type: overrides.type ?? 'human',
        status: overrides.status ?? 'active',
        roles,
        givenName: null,
        familyName: null,
        createdAt: new Date(Date.now() - 60_000).toISOString(),
      },
    });
  };

  it('emails the active owners and admins once per alert, and nobody else', async () => {
    const { service } = subject;
    const organizationId = randomUUID();
    const owner = user(organizationId, ['owner']);
    const admin = user(organizationId, ['admin']);
    const promoted = user(organizationId, ['agent']);
    const agent = user(organizationId, ['agent', 'manager']);
    const invited = user(organizationId, ['admin'], { status: 'invited' });
    const robot = user(organizationId, ['admin'], { type: 'ai' });
    const deactivated = user(organizationId, ['admin']);
    const created = [owner, admin, promoted, agent, invited, robot, deactivated];
    const now = new Date().toISOString();
    const changes = [
      createEvent('identity.user.access_changed.v1', {
        source: '/services/identity',
        subject: promoted.data.userId,
        tenantId: organizationId,
        data: {
          userId: promoted.data.userId,
          organizationId,
          roles: ['agent', 'admin'],
          directPermissions: [],
          changedById: owner.data.userId,
          occurredAt: now,
        },
      }),
      createEvent('identity.user.status_changed.v1', {
        source: '/services/identity',
        subject: deactivated.data.userId,
        tenantId: organizationId,
        data: {
          userId: deactivated.data.userId,
          organizationId,
          action: 'deactivate',
          from: 'active',
          to: 'inactive',
          deleted: false,
          reason: 'left',
          changedById: owner.data.userId,
          occurredAt: now,
        },
      }),
    ];
    await publish(...created, ...changes);
    await handled(MEMBERS_GROUP, [...created, ...changes]);

    const alert = createEvent('billing.usage.threshold_reached.v1', {
      source: '/services/billing',
      subject: organizationId,
      tenantId: organizationId,
      data: {
        organizationId,
        metric: 'custom_fields',
        threshold: 100,
        used: 5,
        limit: 5,
        planId: 'free',
        reachedAt: now,
      },
    });
    // Delivered twice: emailed once.
    await publish(alert, alert);
    await handled(NOTIFICATION_GROUP, [alert]);

    const notified = [owner, admin, promoted].map((event) => event.data.email).sort();
    const notifications = await withTenant(service.database, organizationId, (tx) =>
      tx.notification.findMany({ where: { organizationId }, orderBy: { recipient: 'asc' } }),
    );
    expect(notifications.map((notification) => [notification.recipient, notification.template])).toEqual(
      notified.map((to) => [to, 'usage_threshold']),
    );
    expect(notifications.every((notification) => notification.sourceEventId === alert.id)).toBe(true);
    for (const to of notified) {
      const messages = await mailbox(service, to);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ to, subject: 'Your organization reached its custom fields limit' });
      expect(messages[0]?.['text']).toContain(
        'Your organization uses 5 custom fields; its Free plan includes 5',
      );
    }
    for (const event of [agent, invited, robot, deactivated]) {
      expect(await mailbox(service, event.data.email)).toEqual([]);
    }
  });

  it('emails nobody, and records nothing, in an organization without a known owner or admin', async () => {
    const { service } = subject;
    const organizationId = randomUUID();
    const alert = createEvent('billing.usage.threshold_reached.v1', {
      source: '/services/billing',
      subject: organizationId,
      tenantId: organizationId,
      data: {
        organizationId,
        metric: 'contacts',
        threshold: 80,
        used: 80,
        limit: 100,
        planId: 'free',
        reachedAt: new Date().toISOString(),
      },
    });
    await publish(alert);
    await handled(NOTIFICATION_GROUP, [alert]);
    expect(
      await withTenant(service.database, organizationId, (tx) =>
        tx.notification.count({ where: { organizationId } }),
      ),
    ).toBe(0);
  });
});
