import type { EventConsumer } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import {
  DISCONNECT_ALERT_TEMPLATE,
  notifiedOfUsage,
  renderDisconnectAlert,
  renderEmail,
  renderUsageAlert,
  sentEmail,
  USAGE_ALERT_TEMPLATE,
  type EmailMessage,
} from '../modules/notification/domain/notification';
import { memberProjection } from '../modules/notification/infra/member-repository';
import type { AutomationDependencies } from '../service';

/** Consumer group of email delivery; also its key in processed_events. */
export const NOTIFICATION_GROUP = 'automation.notifications';

type Transaction = Prisma.TransactionClient;

/**
 * Emails other services ask for (identity's invitations and password resets) are rendered, handed to
 * the email provider and recorded as notifications, once per event. Billing's usage alerts (80 % and
 * 100 % of a plan limit) and conversations' channel alerts (004's `disconnect`: an account disconnected
 * or its token refresh failed) are emailed to the organization's owners and admins, once per event and
 * recipient.
 */
export function startNotificationConsumer(
  dependencies: AutomationDependencies,
  messaging: Messaging,
  options: ServiceStartOptions,
): Promise<EventConsumer> {
  const { email, logger } = dependencies;
  /** Emails an alert to the organization's active owners and admins, one notification each. */
  async function alertOwnersAndAdmins(
    event: { id: string; tenantid: string; type: string },
    tx: Transaction,
    template: string,
    render: (to: string) => EmailMessage,
  ): Promise<void> {
    const recipients = (await memberProjection(tx).ofOrganization(event.tenantid)).filter(notifiedOfUsage);
    if (recipients.length === 0) {
      logger.warn(
        { organizationId: event.tenantid, eventId: event.id, eventType: event.type },
        'alert not emailed: no active owner or admin of the organization is known',
      );
    }
    // One transaction for all: a provider refusing one recipient retries the event for all (the
    // local mailbox rolls back with it; an SMTP server may have taken the earlier ones already).
    for (const member of recipients) {
      const message = render(member.email);
      const sent = await email.sender.send(message, event.tenantid, tx);
      const notification = sentEmail(
        { organizationId: event.tenantid, sourceEventId: event.id, template, message },
        sent,
        new Date(),
      );
      await tx.notification.create({ data: notification });
    }
  }
  return startTenantConsumer<Transaction>(dependencies, messaging, options, {
    groupId: NOTIFICATION_GROUP,
    handlers: {
      'identity.email.requested.v1': async (event, tx) => {
        const message = renderEmail(event.data.template, event.data.variables, {
          from: email.from,
          to: event.data.to,
        });
        const sent = await email.sender.send(message, event.tenantid, tx);
        const notification = sentEmail(
          {
            organizationId: event.tenantid,
            sourceEventId: event.id,
            template: event.data.template,
            message,
          },
          sent,
          new Date(),
        );
        await tx.notification.create({ data: notification });
      },
      'billing.usage.threshold_reached.v1': (event, tx) =>
        alertOwnersAndAdmins(event, tx, USAGE_ALERT_TEMPLATE, (to) =>
          renderUsageAlert(event.data, { from: email.from, to }),
        ),
      'conversations.account.disconnected.v1': (event, tx) =>
        alertOwnersAndAdmins(event, tx, DISCONNECT_ALERT_TEMPLATE, (to) =>
          renderDisconnectAlert(event, { from: email.from, to }),
        ),
      'conversations.account.refresh_failed.v1': (event, tx) =>
        alertOwnersAndAdmins(event, tx, DISCONNECT_ALERT_TEMPLATE, (to) =>
          renderDisconnectAlert(event, { from: email.from, to }),
        ),
    },
  });
}
