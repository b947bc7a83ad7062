import type { MutationResolvers } from '../../../../generated/graphql';

export const updateTicket: NonNullable<MutationResolvers['updateTicket']> = (
  _parent,
  { id, input },
  context,
) => context.tickets.update(context.auth, id, input);
