import type { DataLoader, RequestContext } from '@platform/service-kit';
import type { Conversation, ConversationOperations } from './domain/conversation';

export interface ConversationsContext extends RequestContext {
  conversations: ConversationOperations;
  conversationById: DataLoader<string, Conversation | null>;
}
