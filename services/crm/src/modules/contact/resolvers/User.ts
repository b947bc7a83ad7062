import { pageRequest } from '@platform/domain';
import { toConnection } from '@platform/service-kit';
import type { UserResolvers } from '../../../generated/graphql';

export const User: UserResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  /** Batched: a list of N users costs what one costs. */
  ownedContacts: async (parent, { first, after }, { contactsByOwner }) =>
    toConnection(await contactsByOwner.load({ parentId: parent.id, request: pageRequest(first, after) })),
};
