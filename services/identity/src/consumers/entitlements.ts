import type { EventConsumer } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import { applyApiAccess } from '../modules/api-key/infra/api-access-repository';
import type { IdentityDependencies } from '../service';
import { accessChanged } from './access-changed';

/** Consumer group of identity's copy of billing's entitlements; also its key in processed_events. */
export const ENTITLEMENTS_GROUP = 'identity.entitlements';

/**
 * Keeps identity's copy of each organization's API access (read-only or full) from billing's
 * billing.entitlements.changed.v1, newest version winning: the principal of an API key carries it, and
 * the gateway refuses a read-only organization's keys every mutation. A change applied publishes
 * identity.organization.access_changed.v1, on which the gateway drops the organization's cached
 * principals (gateway/src/principals.ts) once identity answers the new access.
 */
export function startEntitlementsConsumer(
  dependencies: IdentityDependencies,
  messaging: Messaging,
  options: ServiceStartOptions,
): Promise<EventConsumer> {
  return startTenantConsumer<Prisma.TransactionClient>(dependencies, messaging, options, {
    groupId: ENTITLEMENTS_GROUP,
    handlers: {
      'billing.entitlements.changed.v1': async (event, tx) => {
        const change = {
          organizationId: event.data.organizationId,
          planId: event.data.planId,
          level: event.data.entitlements.apiAccess,
          version: event.data.version,
          at: new Date(event.data.changedAt),
        };
        if (await applyApiAccess(tx, change)) {
          await accessChanged(tx, { ...change, cause: 'api_access', userId: null });
        }
      },
    },
  });
}
