import type { MutationResolvers } from '../../../../generated/graphql';

export const unassignSeat: NonNullable<MutationResolvers['unassignSeat']> = (
  _parent,
  { userId, reason },
  context,
) => context.seats.unassign(context.auth, userId, reason);
