import type { Page } from '@platform/domain';
import { DataLoader, defineModule, pageLoader, type PageKey } from '@platform/service-kit';
import type { ConversationsDependencies } from '../../service';
import { documentRepository } from '../document/infra/document-repository';
import type { ChatMessage as ChatMessageModel, ChatSession as ChatSessionModel } from './domain/chat';
import { assistantOperations, type AssistantOperations } from './domain/assistant-operations';
import { assistantRepository } from './infra/assistant-repository';
import { ChatCitation } from './resolvers/ChatCitation';
import { ChatSession } from './resolvers/ChatSession';
import { sendChatMessage } from './resolvers/Mutation/sendChatMessage';
import { startChatSession } from './resolvers/Mutation/startChatSession';
import { chatSession } from './resolvers/Query/chatSession';
import { chatSessions } from './resolvers/Query/chatSessions';

export interface AssistantModuleContext {
  assistant: AssistantOperations;
  /** The caller's own sessions by id (another user's: null), one query per batch. */
  chatSessionById: DataLoader<string, ChatSessionModel | null>;
  /** Pages of messages by session: one query per batch. */
  chatMessagesBySession: DataLoader<PageKey, Page<ChatMessageModel>, string>;
}

export const assistantModule = defineModule<ConversationsDependencies, AssistantModuleContext>({
  resolvers: {
    Query: { chatSessions, chatSession },
    Mutation: { startChatSession, sendChatMessage },
    ChatSession,
    ChatCitation,
  },
  context: ({ tenants, tokenCipher, ai, retrieval }) => {
    const assistant = assistantOperations(
      assistantRepository(tenants, tokenCipher),
      documentRepository(tenants),
      ai,
      retrieval,
    );
    return ({ auth }) => ({
      assistant,
      chatSessionById: new DataLoader((ids: readonly string[]) => assistant.sessionsByIds(auth, ids)),
      chatMessagesBySession: pageLoader((sessionIds, request) =>
        assistant.messagesOf(auth, sessionIds, request),
      ),
    });
  },
});
