import { randomUUID } from 'node:crypto';
import { createEvent, eventCatalog, toKafkaMessage, topicName, type CatalogEvent } from '@platform/events';
import { withTenant } from '@platform/service-kit';
import { serviceUnderTest } from '@platform/service-kit/testing';
import { eventually } from '@platform/testing';
import { MEMBERS_GROUP } from '../../src/consumers/members';
import { NOTIFICATION_GROUP } from '../../src/consumers/notifications';
import { LOCAL_MAILBOX_PATH, startAutomationService, type AutomationService } from '../../src/service';

// Conversations' channel alerts (004's `disconnect`): a disconnected account or a failed token refresh
// is emailed to the organization's active owners and admins, once per event and person.

describe('disconnect alerts', () => {
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

  const user = (organizationId: string, roles: string[]) => {
    const userId = randomUUID();
    return createEvent('identity.user.created.v1', {
      source: '/services/identity',
      subject: userId,
      tenantId: organizationId,
      data: {
        userId,
        organizationId,
        email: `${roles.join('-')}-${userId.slice(0, 8)}@example.com`,
        type: 'human',
        status: 'active',
        roles,
        givenName: null,
        familyName: null,
        createdAt: new Date(Date.now() - 60_000).toISOString(),
      },
    });
  };

  it('emails the owners and admins once per disconnect and per failed refresh, and nobody else', async () => {
    const { service } = subject;
    const organizationId = randomUUID();
    const owner = user(organizationId, ['owner']);
    const admin = user(organizationId, ['admin']);
    const agent = user(organizationId, ['agent']);
    await publish(owner, admin, agent);
    await handled(MEMBERS_GROUP, [owner, admin, agent]);

    const accountId = randomUUID();
    const now = new Date().toISOString();
    const disconnected = createEvent('conversations.account.disconnected.v1', {
      source: '/services/conversations',
      subject: accountId,
      tenantId: organizationId,
      data: {
        accountId,
        organizationId,
        platform: 'slack',
        disconnectedBy: owner.data.userId,
        disconnectedAt: now,
      },
    });
    const refreshFailed = createEvent('conversations.account.refresh_failed.v1', {
      source: '/services/conversations',
      subject: accountId,
      tenantId: organizationId,
      data: {
        accountId,
        organizationId,
        platform: 'gmail',
        attempts: 1,
        errorCode: 'invalid_grant',
        failedAt: now,
      },
    });
    // Delivered twice: emailed once.
    await publish(disconnected, disconnected, refreshFailed);
    await handled(NOTIFICATION_GROUP, [disconnected, refreshFailed]);

    const notifications = await withTenant(service.database, organizationId, (tx) =>
      tx.notification.findMany({ where: { organizationId } }),
    );
    expect(notifications).toHaveLength(4);
    expect(new Set(notifications.map((notification) => notification.template))).toEqual(
      new Set(['disconnect']),
    );
    for (const to of [owner.data.email, admin.data.email]) {
      const subjects = (await mailbox(service, to)).map((message) => message['subject']).sort();
      expect(subjects).toEqual([
        'A Gmail account of your organization needs reconnecting',
        'A Slack account of your organization was disconnected',
      ]);
    }
    expect(await mailbox(service, agent.data.email)).toEqual([]);
  });
});
