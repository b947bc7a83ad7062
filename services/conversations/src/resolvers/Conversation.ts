import type { ConversationsContext } from '../context';
import type { Conversation as ConversationModel } from '../domain/conversation';

export const Conversation = {
  __resolveReference(
    reference: { id: string },
    context: ConversationsContext,
  ): Promise<ConversationModel | null> {
    return context.conversationById.load(reference.id);
  },
  contact: (conversation: ConversationModel) =>
    conversation.contactId ? { __typename: 'Contact', id: conversation.contactId } : null,
};
