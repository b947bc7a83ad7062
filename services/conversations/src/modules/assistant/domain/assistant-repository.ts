import type { Page, PageRequest } from '@platform/domain';
import type { CatalogEvent } from '@platform/events/catalog';
import type { ChatMessage, ChatSession } from './chat';
import type { InboxFigures } from './dashboard';

/** Where chat sessions and messages live; messages' content is sealed by the implementation. */
export interface AssistantRepository {
  createSession(session: ChatSession): Promise<ChatSession>;
  /** The user's own sessions by id (another user's, unknown or malformed ids: null), in order. */
  sessionsByIds(
    organizationId: string,
    userId: string,
    ids: readonly string[],
  ): Promise<Array<ChatSession | null>>;
  /** The user's sessions, newest first. */
  listSessions(organizationId: string, userId: string, request: PageRequest): Promise<Page<ChatSession>>;
  /**
   * The start of a turn, in one tenant transaction: the organization's AI entitlement is checked here
   * (see the implementation), then the user's session and its last `historyLimit` messages (oldest
   * first). Null when the session is not the user's.
   */
  openTurn(
    organizationId: string,
    userId: string,
    sessionId: string,
    historyLimit: number,
  ): Promise<{ session: ChatSession; history: ChatMessage[] } | null>;
  /** Stores a turn's two messages, moves the session's last activity, appends the turn's events. */
  recordTurn(
    session: ChatSession,
    question: ChatMessage,
    answer: ChatMessage,
    events: readonly CatalogEvent[],
  ): Promise<void>;
  /** A page of each session's messages, newest first (one query for the list). */
  messagesOfSessions(
    organizationId: string,
    sessionIds: readonly string[],
    request: PageRequest,
  ): Promise<Array<Page<ChatMessage>>>;
  /** The inbox's figures for the dashboard route. */
  inboxFigures(organizationId: string): Promise<InboxFigures>;
}
