import type { MutationResolvers } from '../../../../generated/graphql';

export const assignSeat: NonNullable<MutationResolvers['assignSeat']> = (_parent, { userId }, context) =>
  context.seats.assign(context.auth, userId);
