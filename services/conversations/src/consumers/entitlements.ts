import type { EventConsumer } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import { applyEntitlements } from '../modules/ai/infra/entitlements';
import type { ConversationsDependencies } from '../service';

/** Consumer group of conversations' entitlements copy; also its key in processed_events. */
export const ENTITLEMENTS_GROUP = 'conversations.entitlements';

/**
 * Keeps conversations' copy of each organization's AI entitlement (`aiInsights`) and storage quota
 * (`storageGb`) from billing's billing.entitlements.changed.v1: the AI pipeline and the assistant enforce
 * the first, document uploads the second, locally.
 */
export function startEntitlementsConsumer(
  dependencies: ConversationsDependencies,
  messaging: Messaging,
  options: ServiceStartOptions,
): Promise<EventConsumer> {
  return startTenantConsumer<Prisma.TransactionClient>(dependencies, messaging, options, {
    groupId: ENTITLEMENTS_GROUP,
    handlers: {
      'billing.entitlements.changed.v1': async (event, tx) => {
        await applyEntitlements(tx, {
          organizationId: event.data.organizationId,
          planId: event.data.planId,
          aiInsights: event.data.entitlements.aiInsights,
          storageGb: event.data.entitlements.storageGb,
          version: event.data.version,
          changedAt: new Date(event.data.changedAt),
        });
      },
    },
  });
}
