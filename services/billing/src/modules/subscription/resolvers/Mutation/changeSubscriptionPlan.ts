import type { MutationResolvers } from '../../../../generated/graphql';

export const changeSubscriptionPlan: NonNullable<MutationResolvers['changeSubscriptionPlan']> = (
  _parent,
  { input },
  { auth, subscriptions },
) => subscriptions.changePlan(auth, input);
