import type { EventConsumer } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import {
  notifiedOfUsage,
  renderEmail,
  renderUsageAlert,
  sentEmail,
  USAGE_ALERT_TEMPLATE,
} from '../modules/notification/domain/notification';
import { memberProjection } from '../modules/notification/infra/member-repository';
import type { AutomationDependencies } from '../service';

/** Consumer group of email delivery; also its key in processed_events. */
export const NOTIFICATION_GROUP = 'automation.notifications';

type Transaction = Prisma.TransactionClient;

/**
 * Emails other services ask for (identity's invitations and password resets) are rendered, handed to
 * the email provider and recorded as notifications, once per event. Billing's usage alerts (80 % and
 * 100 % of a plan limit) are emailed to the organization's owners and admins, once per event and
 * recipient.
 */
export function startNotificationConsumer(
  dependencies: AutomationDependencies,
  messaging: Messaging,
  options: ServiceStartOptions,
): Promise<EventConsumer> {
  const { email, logger } = dependencies;
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
      'billing.usage.threshold_reached.v1': async (event, tx) => {
        const recipients = (await memberProjection(tx).ofOrganization(event.tenantid)).filter(
          notifiedOfUsage,
        );
        if (recipients.length === 0) {
          logger.warn(
            { organizationId: event.tenantid, eventId: event.id },
            'usage alert not emailed: no active owner or admin of the organization is known',
          );
        }
        // One transaction for all: a provider refusing one recipient retries the event for all (the
        // local mailbox rolls back with it; an SMTP server may have taken the earlier ones already).
        for (const member of recipients) {
          const message = renderUsageAlert(event.data, { from: email.from, to: member.email });
          const sent = await email.sender.send(message, event.tenantid, tx);
          const notification = sentEmail(
            {
              organizationId: event.tenantid,
              sourceEventId: event.id,
              template: USAGE_ALERT_TEMPLATE,
              message,
            },
            sent,
            new Date(),
          );
          await tx.notification.create({ data: notification });
        }
      },
    },
  });
}
