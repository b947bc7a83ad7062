import type { EventConsumer } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import { renderEmail, sentEmail } from '../modules/notification/domain/notification';
import type { AutomationDependencies } from '../service';

/** Consumer group of email delivery; also its key in processed_events. */
export const NOTIFICATION_GROUP = 'automation.notifications';

type Transaction = Prisma.TransactionClient;

/**
 * Emails other services ask for (identity's invitations and password resets) are rendered, handed to
 * the email provider and recorded as notifications, once per event.
 */
export function startNotificationConsumer(
  dependencies: AutomationDependencies,
  messaging: Messaging,
  options: ServiceStartOptions,
): Promise<EventConsumer> {
  const { email } = dependencies;
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
    },
  });
}
