import type { QueryResolvers } from '../../../../generated/graphql';

export const ticket: NonNullable<QueryResolvers['ticket']> = (
  _parent,
  { id },
  { auth, tickets, ticketById },
) => tickets.get(auth, id, (key) => ticketById.load(key));
