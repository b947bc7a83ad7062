import type { QueryResolvers } from '../../../../generated/graphql';

export const conversation: NonNullable<QueryResolvers['conversation']> = (
  _parent,
  { id },
  { auth, conversations, conversationById },
) => conversations.get(auth, id, (key) => conversationById.load(key));
