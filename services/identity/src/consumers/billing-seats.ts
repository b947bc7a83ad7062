import type { EventConsumer } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import { applySeatChange, applySeatPolicy } from '../modules/authentication/infra/seat-standing';
import type { IdentityDependencies } from '../service';
import { accessChanged } from './access-changed';

/** Consumer group of identity's copy of billing's seats; also its key in processed_events. */
export const BILLING_SEATS_GROUP = 'identity.billing_seats';

type Transaction = Prisma.TransactionClient;

/** A user's seat as billing's seat events give it; identity.organization.access_changed.v1 when applied. */
async function seatChanged(
  tx: Transaction,
  seat: { organizationId: string; userId: string; version: number },
  seated: boolean,
): Promise<void> {
  const change = { organizationId: seat.organizationId, userId: seat.userId, seated, version: seat.version };
  if (await applySeatChange(tx, change)) {
    await accessChanged(tx, { ...change, cause: 'seat' });
  }
}

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
      'billing.entitlements.changed.v1': async (event, tx) => {
        const change = {
          organizationId: event.data.organizationId,
          planId: event.data.planId,
          version: event.data.version,
        };
        if (await applySeatPolicy(tx, change)) {
          await accessChanged(tx, { ...change, cause: 'seat_policy', userId: null });
        }
      },
      'billing.seat.assigned.v1': (event, tx) => seatChanged(tx, event.data, true),
      'billing.seat.unassigned.v1': (event, tx) => seatChanged(tx, event.data, false),
    },
  });
}
