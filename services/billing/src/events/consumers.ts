import { startEventConsumer, type EventConsumer } from '@platform/events';
import type { Messaging, MessagingLogger } from '@platform/messaging';
import { withTenant } from '@platform/service-kit';
import { SIGN_UP_PLAN } from '../domain/plans';
import type { BillingStore } from '../infra/billing-store';
import type { Database, Transaction } from '../infra/database';

/** Consumer group of billing's provisioning; also its key in processed_events. */
export const PROVISIONING_GROUP = 'billing.provisioning';

/** A new organization gets the Free plan (and its entitlements travel on as an event). */
export function startProvisioningConsumer(options: {
  messaging: Messaging;
  database: Database;
  store: BillingStore;
  topicPrefix: string;
  logger?: MessagingLogger;
}): Promise<EventConsumer> {
  return startEventConsumer<Transaction>({
    messaging: options.messaging,
    groupId: PROVISIONING_GROUP,
    topicPrefix: options.topicPrefix,
    logger: options.logger,
    transaction: (event, work) => withTenant(options.database, event.tenantid, work),
    handlers: {
      'identity.organization.created.v1': (event, tx) =>
        options.store.provision(tx, event.data.organizationId, SIGN_UP_PLAN, new Date(event.time)),
    },
  });
}
