import type { MutationResolvers } from '../../../../generated/graphql';

export const addTicketNote: NonNullable<MutationResolvers['addTicketNote']> = (
  _parent,
  { ticketId, input },
  context,
) => context.tickets.addNote(context.auth, ticketId, input);
