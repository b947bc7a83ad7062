import type { EventConsumer } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import { applyUserEvent } from '../modules/contact/infra/user-references';
import type { CrmDependencies } from '../service';

/** Consumer group of crm's user projection; also its key in processed_events. */
export const USERS_GROUP = 'crm.users';

type Transaction = Prisma.TransactionClient;

/** Keeps crm's projection of identity's users (id, organization, status) from identity's events. */
export function startUserConsumer(
  dependencies: CrmDependencies,
  messaging: Messaging,
  options: ServiceStartOptions,
): Promise<EventConsumer> {
  return startTenantConsumer<Transaction>(dependencies, messaging, options, {
    groupId: USERS_GROUP,
    handlers: {
      'identity.user.created.v1': (event, tx) =>
        applyUserEvent(tx, {
          id: event.data.userId,
          organizationId: event.data.organizationId,
          status: event.data.status,
          deleted: false,
          at: new Date(event.data.createdAt),
        }),
      'identity.user.status_changed.v1': (event, tx) =>
        applyUserEvent(tx, {
          id: event.data.userId,
          organizationId: event.data.organizationId,
          status: event.data.to,
          deleted: event.data.deleted,
          at: new Date(event.data.occurredAt),
        }),
    },
  });
}
