import type { OrganizationSubscriptionResolvers } from '../../../generated/graphql';
import { seatPicture } from '../domain/seat';

export const OrganizationSubscription: OrganizationSubscriptionResolvers = {
  /** Batched: the assigned count of N subscriptions costs one query. */
  seats: async (subscription, _args, { assignedSeatsByOrganizationId }) =>
    seatPicture(subscription, await assignedSeatsByOrganizationId.load(subscription.organizationId)),
};
