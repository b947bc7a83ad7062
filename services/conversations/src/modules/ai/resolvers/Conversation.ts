import type { ConversationResolvers } from '../../../generated/graphql';

export const Conversation: ConversationResolvers = {
  lead: (conversation, _args, { leadByConversation }) => leadByConversation.load(conversation.id),
  replyDrafts: (conversation, _args, { draftsByConversation }) => draftsByConversation.load(conversation.id),
};
