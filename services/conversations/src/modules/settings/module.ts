import { defineModule } from '@platform/service-kit';
import type { ConversationsDependencies } from '../../service';
import {
  conversationSettingsOperations,
  type ConversationSettingsOperations,
} from './domain/conversation-settings-operations';
import { conversationSettingsRepository } from './infra/conversation-settings-repository';
import { updateConversationSettings } from './resolvers/Mutation/updateConversationSettings';
import { conversationSettings } from './resolvers/Query/conversationSettings';

export interface SettingsModuleContext {
  conversationSettings: ConversationSettingsOperations;
}

/** Conversation settings per organization: message retention, the auto-send threshold. */
export const settingsModule = defineModule<ConversationsDependencies, SettingsModuleContext>({
  resolvers: {
    Query: { conversationSettings },
    Mutation: { updateConversationSettings },
  },
  context: ({ tenants }) => {
    const operations = conversationSettingsOperations(conversationSettingsRepository(tenants));
    return () => ({ conversationSettings: operations });
  },
});
