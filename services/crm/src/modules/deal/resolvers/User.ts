import { pageRequest } from '@platform/domain';
import { toConnection } from '@platform/service-kit';
import type { UserResolvers } from '../../../generated/graphql';

export const User: UserResolvers = {
  /** Batched: a list of N users costs what one costs. */
  ownedDeals: async (user, { first, after }, { dealsByOwner }) =>
    toConnection(await dealsByOwner.load({ parentId: user.id, request: pageRequest(first, after) })),
};
