import { organizationOf, type Actor } from '@platform/domain';
import {
  changeConversationSettings,
  type ConversationSettings,
  type ConversationSettingsChange,
} from './conversation-settings';

const SIGN_IN = 'Sign in to work with conversation settings';

/** What the operations need of storage (infra/conversation-settings-repository.ts). */
export interface ConversationSettingsStore {
  get(organizationId: string): Promise<ConversationSettings>;
  update(
    organizationId: string,
    change: (current: ConversationSettings) => ConversationSettings,
  ): Promise<ConversationSettings>;
}

/** The settings use cases (the graph's permission directives say who may call them). */
export function conversationSettingsOperations(
  store: ConversationSettingsStore,
  clock: () => Date = () => new Date(),
) {
  return {
    get: (actor: Actor) => store.get(organizationOf(actor, SIGN_IN)),
    update: (actor: Actor, change: ConversationSettingsChange) =>
      store.update(organizationOf(actor, SIGN_IN), (current) =>
        changeConversationSettings(current, change, actor.userId, clock()),
      ),
  };
}

export type ConversationSettingsOperations = ReturnType<typeof conversationSettingsOperations>;
