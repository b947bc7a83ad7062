// What the generated resolver types use as parents (see @platform/codegen).
import type { ChatCitation, ChatMessage, ChatSession } from './domain/chat';

export type ChatSessionMapper = ChatSession;
export type ChatMessageMapper = ChatMessage;
export type ChatCitationMapper = ChatCitation;
export { ChatRole, ChatRoute } from './domain/chat';
