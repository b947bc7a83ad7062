import type { MutationResolvers } from '../../../../generated/graphql';

export const setConversationStatus: NonNullable<MutationResolvers['setConversationStatus']> = (
  _parent,
  { id, status, snoozedUntil },
  { auth, conversations },
) => conversations.setStatus(auth, id, status, snoozedUntil ?? null);
