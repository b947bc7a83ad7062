import type { MutationResolvers } from '../../../../generated/graphql';

export const markConversationRead: NonNullable<MutationResolvers['markConversationRead']> = (
  _parent,
  { id },
  { auth, conversations },
) => conversations.markRead(auth, id);
