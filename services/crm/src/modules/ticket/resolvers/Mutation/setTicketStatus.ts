import type { MutationResolvers } from '../../../../generated/graphql';

export const setTicketStatus: NonNullable<MutationResolvers['setTicketStatus']> = (
  _parent,
  { id, status, resolutionNotes },
  context,
) => context.tickets.setStatus(context.auth, id, status, resolutionNotes);
