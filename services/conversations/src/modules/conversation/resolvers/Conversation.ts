import type { ConversationResolvers } from '../../../generated/graphql';

export const Conversation: ConversationResolvers = {
  __resolveReference: (reference, { conversationById }) => conversationById.load(reference.id),
  /** A reference the crm subgraph resolves (batched there). */
  contact: (conversation) => (conversation.contactId ? { id: conversation.contactId } : null),
  participant: (conversation) =>
    conversation.participantPlatformUserId
      ? {
          platformUserId: conversation.participantPlatformUserId,
          displayName: conversation.participantDisplayName,
        }
      : null,
};
