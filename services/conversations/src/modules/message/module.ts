import { defineModule } from '@platform/service-kit';
import type { ConversationsDependencies } from '../../service';
import { messageOperations, type MessageOperations } from './domain/message-operations';
import { messageRepository } from './infra/message-repository';
import { Conversation } from './resolvers/Conversation';
import { Message } from './resolvers/Message';
import { replyToConversation } from './resolvers/Mutation/replyToConversation';

export interface MessageModuleContext {
  messages: MessageOperations;
}

export const messageModule = defineModule<ConversationsDependencies, MessageModuleContext>({
  resolvers: { Mutation: { replyToConversation }, Conversation, Message },
  context: ({ tenants }) => {
    const messages = messageOperations(messageRepository(tenants));
    return () => ({ messages });
  },
});
