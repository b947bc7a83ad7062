import { createEvent, type ORGANIZATION_ACCESS_CAUSES } from '@platform/events/catalog';
import { EVENT_SOURCE } from './organization';

/** What identity applied of billing's plan or seats (the catalog's causes). */
export type OrganizationAccessCause = (typeof ORGANIZATION_ACCESS_CAUSES)[number];

/**
 * identity.organization.access_changed.v1: identity stored a change of billing's plan or seats in its
 * copy (an API key's access, whether the plan needs seats, a user's seat). Appended in the transaction
 * that stores it, so whoever drops principals on it (the gateway) asks identity again only once the
 * change is there: billing's own event reaches the gateway and identity side by side, and a principal
 * fetched between the two would be kept stale until it expires.
 */
export function organizationAccessChanged(change: {
  organizationId: string;
  cause: OrganizationAccessCause;
  userId: string | null;
  version: number;
  at: Date;
}) {
  return createEvent('identity.organization.access_changed.v1', {
    source: EVENT_SOURCE,
    subject: change.organizationId,
    tenantId: change.organizationId,
    time: change.at,
    data: {
      organizationId: change.organizationId,
      cause: change.cause,
      userId: change.userId,
      version: change.version,
      occurredAt: change.at.toISOString(),
    },
  });
}
