import type { MutationResolvers } from '../../../../generated/graphql';

export const cancelSubscription: NonNullable<MutationResolvers['cancelSubscription']> = (
  _parent,
  { atPeriodEnd },
  { auth, subscriptions },
) => subscriptions.cancel(auth, atPeriodEnd);
