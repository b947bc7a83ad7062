// What the generated resolver types use as parents (see @platform/codegen).
import type { ConversationSettings } from './domain/conversation-settings';

export type ConversationSettingsMapper = ConversationSettings;
