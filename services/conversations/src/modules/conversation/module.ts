import type { Page } from '@platform/domain';
import { DataLoader, defineModule, pageLoader, type PageKey } from '@platform/service-kit';
import type { ConversationsDependencies } from '../../service';
import type { Conversation as ConversationModel } from './domain/conversation';
import { conversationOperations, type ConversationOperations } from './domain/conversation-operations';
import { conversationRepository } from './infra/conversation-repository';
import { Contact } from './resolvers/Contact';
import { Conversation } from './resolvers/Conversation';
import { assignConversation } from './resolvers/Mutation/assignConversation';
import { markConversationRead } from './resolvers/Mutation/markConversationRead';
import { setConversationStatus } from './resolvers/Mutation/setConversationStatus';
import { startConversation } from './resolvers/Mutation/startConversation';
import { conversation } from './resolvers/Query/conversation';
import { inbox } from './resolvers/Query/inbox';

export interface ConversationModuleContext {
  conversations: ConversationOperations;
  /** The caller's organization's conversations by id (one query per batch). */
  conversationById: DataLoader<string, ConversationModel | null>;
  /** Pages of conversations by contact: one query per batch (per distinct first/after). */
  conversationsByContact: DataLoader<PageKey, Page<ConversationModel>, string>;
}

export const conversationModule = defineModule<ConversationsDependencies, ConversationModuleContext>({
  resolvers: {
    Query: { conversation, inbox },
    Mutation: { startConversation, assignConversation, setConversationStatus, markConversationRead },
    Conversation,
    Contact,
  },
  context: ({ tenants }) => {
    const repository = conversationRepository(tenants);
    const conversations = conversationOperations(repository);
    return ({ auth }) => ({
      conversations,
      conversationById: new DataLoader((ids: readonly string[]) =>
        auth.organizationId
          ? repository.byIds(auth.organizationId, ids)
          : Promise.resolve(ids.map(() => null)),
      ),
      conversationsByContact: pageLoader((contactIds, request) =>
        conversations.withContacts(auth, contactIds, request),
      ),
    });
  },
});
