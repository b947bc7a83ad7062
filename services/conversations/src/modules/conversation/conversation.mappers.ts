// What the generated resolver types use as parents (see @platform/codegen).
import type { Conversation } from './domain/conversation';

export type ConversationMapper = Conversation;
/** Contacts are crm's; conversations resolves its field on them from the id alone. */
export type ContactMapper = { id: string };
export { ConversationPlatform, ConversationStatus } from './domain/conversation';
