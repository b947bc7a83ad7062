import type { EventConsumer } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import { applyEntitlements } from '../modules/custom-field/infra/entitlements';
import type { CrmDependencies } from '../service';

/** Consumer group of crm's entitlements projection; also its key in processed_events. */
export const ENTITLEMENTS_GROUP = 'crm.entitlements';

type Transaction = Prisma.TransactionClient;

/**
 * Keeps crm's copy of each organization's plan entitlements (the contact and custom field limits it
 * enforces) from billing's billing.entitlements.changed.v1: billing's Plan is their only source
 * (UNIFICATION.md), and billing publishes the event in the transaction of every change (sign-up,
 * activation, upgrade, downgrade, revocation, reactivation) with a version per organization. The newest
 * version wins; billing.subscription.activated.v1 is no longer followed (see docs/decisions.md).
 */
export function startEntitlementsConsumer(
  dependencies: CrmDependencies,
  messaging: Messaging,
  options: ServiceStartOptions,
): Promise<EventConsumer> {
  return startTenantConsumer<Transaction>(dependencies, messaging, options, {
    groupId: ENTITLEMENTS_GROUP,
    handlers: {
      'billing.entitlements.changed.v1': async (event, tx) => {
        await applyEntitlements(tx, {
          organizationId: event.data.organizationId,
          subscriptionId: event.data.subscriptionId,
          planId: event.data.planId,
          contactLimit: event.data.entitlements.contactLimit,
          customFieldLimit: event.data.entitlements.customFieldLimit,
          version: event.data.version,
          at: new Date(event.data.changedAt),
        });
      },
    },
  });
}
