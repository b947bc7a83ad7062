import { pageRequest } from '@platform/domain';
import { toConnection } from '@platform/service-kit';
import type { OrganizationResolvers } from '../../../generated/graphql';

export const Organization: OrganizationResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  /** Batched: a list of N organizations costs what one costs. */
  contacts: async (parent, { first, after }, { contactsByOrganization }) =>
    toConnection(
      await contactsByOrganization.load({ parentId: parent.id, request: pageRequest(first, after) }),
    ),
};
