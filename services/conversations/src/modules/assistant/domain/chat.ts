/**
 * The assistant's chat (004's CHAT_SESSION / CHAT_MESSAGE, 002's conversation memory): sessions per
 * user, messages with the route that answered them, citations and tokens. Distinct from customer
 * conversations (UNIFICATION.md). No Prisma, GraphQL or Kafka.
 */
import { enumObject, InputIssues, isUuid } from '@platform/domain';

export const CHAT_ROLES = ['user', 'assistant'] as const;
export const ChatRole = enumObject(CHAT_ROLES);
export type ChatRole = (typeof CHAT_ROLES)[number];

/** 004's route_used, without `web` (the assistant answers from the organization's data only). */
export const CHAT_ROUTES = ['rag', 'memory', 'dashboard', 'casual'] as const;
export const ChatRoute = enumObject(CHAT_ROUTES);
export type ChatRoute = (typeof CHAT_ROUTES)[number];

export const MAX_SESSION_TITLE_LENGTH = 200;
export const MAX_CHAT_MESSAGE_LENGTH = 4000;

export interface ChatSession {
  id: string;
  organizationId: string;
  /** Its owner: nobody else sees it. */
  userId: string;
  title: string | null;
  /** Retrieval scope: this client's documents and the organization's; null: every document. */
  companyId: string | null;
  lastMessageAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A chunk an answer relies on, with its similarity to the question (0–1). */
export interface ChatCitation {
  documentId: string;
  chunkId: string;
  score: number;
}

export interface ChatMessage {
  id: string;
  organizationId: string;
  sessionId: string;
  role: ChatRole;
  content: string;
  /** The assistant's messages: how the turn was answered; null on the user's. */
  routeUsed: ChatRoute | null;
  citations: ChatCitation[];
  /** The assistant's messages: tokens of every model call of the turn (0 without one). */
  tokensUsed: number | null;
  /** The model that answered; null when no model was called (casual, dashboard). */
  model: string | null;
  createdAt: Date;
}

export interface StartChatSessionInput {
  title?: string | null;
  companyId?: string | null;
}

export function acceptSession(input: StartChatSessionInput): {
  title: string | null;
  companyId: string | null;
} {
  const issues = new InputIssues();
  const title = input.title?.trim() || null;
  if (title !== null && title.length > MAX_SESSION_TITLE_LENGTH) {
    issues.add('title', `at most ${MAX_SESSION_TITLE_LENGTH} characters`);
  }
  const companyId = input.companyId ?? null;
  if (companyId !== null && !isUuid(companyId)) issues.add('companyId', 'must be a company id (UUID)');
  issues.throwIfAny();
  return { title, companyId };
}

export function acceptQuestion(content: string): string {
  const question = content.trim();
  const issues = new InputIssues();
  if (question.length === 0) issues.add('content', 'must not be empty');
  if (question.length > MAX_CHAT_MESSAGE_LENGTH) {
    issues.add('content', `at most ${MAX_CHAT_MESSAGE_LENGTH} characters`);
  }
  issues.throwIfAny();
  return question;
}
