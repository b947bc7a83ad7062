import { pageRequest } from '@platform/domain';
import { toConnection } from '@platform/service-kit';
import type { OrganizationResolvers } from '../../../generated/graphql';

export const Organization: OrganizationResolvers = {
  /** Only the caller's own organization shows its seats; batched across organizations. */
  seatAssignments: async (
    organization,
    { includeInactive, first, after },
    { activeSeatAssignments, allSeatAssignments },
  ) =>
    toConnection(
      await (includeInactive ? allSeatAssignments : activeSeatAssignments).load({
        parentId: organization.id,
        request: pageRequest(first, after),
      }),
    ),
};
