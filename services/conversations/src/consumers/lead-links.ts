import type { EventConsumer } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import { applyLeadLink } from '../modules/lead/infra/lead-messages';
import type { ConversationsDependencies } from '../service';

/** Consumer group of crm's lead links; also its key in processed_events. */
export const LEAD_LINKS_GROUP = 'conversations.lead-links';

/**
 * crm's answer to a lead (crm.contact.lead_linked.v1: the contact it created or matched for a
 * conversation's participant) sets the conversation's contact, once per event and without a change
 * when the conversation already names that contact.
 */
export function startLeadLinksConsumer(
  dependencies: ConversationsDependencies,
  messaging: Messaging,
  options: ServiceStartOptions,
): Promise<EventConsumer> {
  return startTenantConsumer<Prisma.TransactionClient>(dependencies, messaging, options, {
    groupId: LEAD_LINKS_GROUP,
    handlers: {
      'crm.contact.lead_linked.v1': async (event, tx) => {
        await applyLeadLink(tx, {
          organizationId: event.data.organizationId,
          conversationId: event.data.conversationId,
          contactId: event.data.contactId,
        });
      },
    },
  });
}
