import type { EventConsumer } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import { applySeatChange, applySeatPolicy } from '../modules/authentication/infra/seat-standing';
import type { IdentityDependencies } from '../service';

/** Consumer group of identity's copy of billing's seats; also its key in processed_events. */
export const BILLING_SEATS_GROUP = 'identity.billing_seats';

type Transaction = Prisma.TransactionClient;

/**
 * Keeps what the seat rule needs from billing: the organization's plan (billing.entitlements.changed.v1)
 * and who holds a seat (billing.seat.*). Principals resolved afterwards narrow seatless members of plans
 * priced per seat to reading.
 */
export function startBillingSeatsConsumer(
  dependencies: IdentityDependencies,
  messaging: Messaging,
  options: ServiceStartOptions,
): Promise<EventConsumer> {
  return startTenantConsumer<Transaction>(dependencies, messaging, options, {
    groupId: BILLING_SEATS_GROUP,
    handlers: {
      'billing.entitlements.changed.v1': (event, tx) =>
        applySeatPolicy(tx, {
          organizationId: event.data.organizationId,
          planId: event.data.planId,
          version: event.data.version,
        }),
      'billing.seat.assigned.v1': (event, tx) =>
        applySeatChange(tx, {
          organizationId: event.data.organizationId,
          userId: event.data.userId,
          seated: true,
          version: event.data.version,
        }),
      'billing.seat.unassigned.v1': (event, tx) =>
        applySeatChange(tx, {
          organizationId: event.data.organizationId,
          userId: event.data.userId,
          seated: false,
          version: event.data.version,
        }),
    },
  });
}
