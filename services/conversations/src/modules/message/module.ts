import type { Page } from '@platform/domain';
import { defineModule, pageLoader, type DataLoader, type PageKey } from '@platform/service-kit';
import type { Message as MessageModel } from './domain/message';
import type { ConversationsDependencies } from '../../service';
import { messageOperations, type MessageOperations } from './domain/message-operations';
import { messageRepository } from './infra/message-repository';
import { messageSealing } from './infra/message-sealing';
import { Conversation } from './resolvers/Conversation';
import { Message } from './resolvers/Message';
import { replyToConversation } from './resolvers/Mutation/replyToConversation';

export interface MessageModuleContext {
  messages: MessageOperations;
  /** Pages of messages by conversation: one query per batch (per distinct first/after). */
  messagesByConversation: DataLoader<PageKey, Page<MessageModel>, string>;
}

export const messageModule = defineModule<ConversationsDependencies, MessageModuleContext>({
  resolvers: { Mutation: { replyToConversation }, Conversation, Message },
  context: ({ tenants, tokenCipher, leadTransit }) => {
    const messages = messageOperations(messageRepository(tenants, messageSealing(tokenCipher), leadTransit));
    return ({ auth }) => ({
      messages,
      messagesByConversation: pageLoader((conversationIds, request) =>
        messages.pages(auth, conversationIds, request),
      ),
    });
  },
});
