import type { OrganizationSubscriptionResolvers } from '../../../generated/graphql';
import { scheduledSeatsLimitOf, seatPicture } from '../domain/seat';

export const OrganizationSubscription: OrganizationSubscriptionResolvers = {
  /** Batched: the assigned count of N subscriptions costs one query. */
  seats: async (subscription, _args, { assignedSeatsByOrganizationId }) =>
    seatPicture(
      { ...subscription, scheduledSeatsLimit: scheduledSeatsLimitOf(subscription.state) },
      await assignedSeatsByOrganizationId.load(subscription.organizationId),
    ),
};
