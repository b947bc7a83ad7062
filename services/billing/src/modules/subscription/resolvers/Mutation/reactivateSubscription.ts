import type { MutationResolvers } from '../../../../generated/graphql';

export const reactivateSubscription: NonNullable<MutationResolvers['reactivateSubscription']> = (
  _parent,
  _args,
  { auth, subscriptions },
) => subscriptions.reactivate(auth);
