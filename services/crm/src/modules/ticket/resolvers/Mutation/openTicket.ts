import type { MutationResolvers } from '../../../../generated/graphql';

export const openTicket: NonNullable<MutationResolvers['openTicket']> = (_parent, { input }, context) =>
  context.tickets.open(context.auth, input);
