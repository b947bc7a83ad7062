import type { EventConsumer } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import { memberProjection } from '../modules/notification/infra/member-repository';
import type { AutomationDependencies } from '../service';

/** Consumer group of automation's copy of identity's users; also its key in processed_events. */
export const MEMBERS_GROUP = 'automation.members';

/**
 * Keeps automation's copy of identity's users (email, type, status, roles): whom notifications for an
 * organization's owners and admins go to.
 */
export function startMemberConsumer(
  dependencies: AutomationDependencies,
  messaging: Messaging,
  options: ServiceStartOptions,
): Promise<EventConsumer> {
  return startTenantConsumer<Prisma.TransactionClient>(dependencies, messaging, options, {
    groupId: MEMBERS_GROUP,
    handlers: {
      'identity.user.created.v1': (event, tx) =>
        memberProjection(tx).created({
          id: event.data.userId,
          organizationId: event.data.organizationId,
          email: event.data.email,
          type: event.data.type,
          status: event.data.status,
          deleted: false,
          roles: event.data.roles,
          at: new Date(event.data.createdAt),
        }),
      'identity.user.updated.v1': (event, tx) =>
        memberProjection(tx).profileChanged(
          event.data.userId,
          { email: event.data.email, type: event.data.type },
          new Date(event.data.updatedAt),
        ),
      'identity.user.status_changed.v1': (event, tx) =>
        memberProjection(tx).statusChanged(
          event.data.userId,
          { status: event.data.to, deleted: event.data.deleted },
          new Date(event.data.occurredAt),
        ),
      'identity.user.access_changed.v1': (event, tx) =>
        memberProjection(tx).accessChanged(
          event.data.userId,
          event.data.roles,
          new Date(event.data.occurredAt),
        ),
    },
  });
}
