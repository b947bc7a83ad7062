import { startEventConsumer, type EventConsumer } from '@platform/events';
import type { Messaging, MessagingLogger } from '@platform/messaging';
import { withTenant } from '@platform/service-kit';
import type { Database, Transaction } from '../infra/database';
import type { WorkflowStore } from '../infra/workflows';

/** Consumer group of workflow triggers; also its key in processed_events. */
export const TRIGGER_GROUP = 'automation.triggers';

/** Domain events become workflow runs: one run per active workflow whose trigger matches. */
export function startTriggerConsumer(options: {
  messaging: Messaging;
  database: Database;
  store: WorkflowStore;
  topicPrefix: string;
  logger?: MessagingLogger;
}): Promise<EventConsumer> {
  return startEventConsumer<Transaction>({
    messaging: options.messaging,
    groupId: TRIGGER_GROUP,
    topicPrefix: options.topicPrefix,
    logger: options.logger,
    transaction: (event, work) => withTenant(options.database, event.tenantid, work),
    handlers: {
      'crm.contact.created.v1': async (event, tx) => {
        await options.store.startRuns(tx, {
          id: event.id,
          type: event.type,
          subject: event.subject,
          organizationId: event.tenantid,
        });
      },
    },
  });
}

/** Event types a workflow can be triggered by (those the trigger consumer subscribes to). */
export const TRIGGER_EVENT_TYPES = ['crm.contact.created.v1'] as const;
