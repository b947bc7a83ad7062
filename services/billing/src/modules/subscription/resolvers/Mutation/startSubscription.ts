import type { MutationResolvers } from '../../../../generated/graphql';

export const startSubscription: NonNullable<MutationResolvers['startSubscription']> = (
  _parent,
  { input },
  { auth, subscriptions },
) => subscriptions.start(auth, input);
