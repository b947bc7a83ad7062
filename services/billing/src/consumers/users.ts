import { appendToOutbox, type EventConsumer } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import { applyUserChange, type UserChange } from '../modules/seat/infra/user-references';
import type { BillingDependencies } from '../service';

/** Consumer group of billing's user projection; also its key in processed_events. */
export const USERS_GROUP = 'billing.users';

type Transaction = Prisma.TransactionClient;

async function apply(tx: Transaction, user: UserChange): Promise<void> {
  const events = await applyUserChange(tx, user);
  if (events.length > 0) await appendToOutbox(tx, events);
}

/**
 * Keeps billing's projection of identity's users (id, organization, status) from identity's events: who
 * may be given a seat. A user deactivated, suspended or deleted loses their seat in the same
 * transaction (billing.seat.unassigned.v1).
 */
export function startUserConsumer(
  dependencies: BillingDependencies,
  messaging: Messaging,
  options: ServiceStartOptions,
): Promise<EventConsumer> {
  return startTenantConsumer<Transaction>(dependencies, messaging, options, {
    groupId: USERS_GROUP,
    handlers: {
      'identity.user.created.v1': (event, tx) =>
        apply(tx, {
          id: event.data.userId,
          organizationId: event.data.organizationId,
          status: event.data.status,
          deleted: false,
          at: new Date(event.data.createdAt),
        }),
      'identity.user.status_changed.v1': (event, tx) =>
        apply(tx, {
          id: event.data.userId,
          organizationId: event.data.organizationId,
          status: event.data.to,
          deleted: event.data.deleted,
          at: new Date(event.data.occurredAt),
        }),
    },
  });
}
