import type { PageRequest } from '@platform/domain';
import type { Conversation, ConversationStarted } from './conversation';

/** What the conversation operations need of storage (infra/conversation-repository.ts implements it). */
export interface ConversationRepository {
  /** Stores a new conversation and its events in one transaction. */
  create(conversation: Conversation, events: readonly ConversationStarted[]): Promise<Conversation>;
  /** The organization's conversations with these ids, in id order (null where none). */
  byIds(organizationId: string, ids: readonly string[]): Promise<Array<Conversation | null>>;
  /**
   * For each contact, up to `request.first + 1` of its conversations after the cursor (newest first)
   * and how many it has in all, in contact order: one query for any number of contacts.
   */
  withContacts(
    organizationId: string,
    contactIds: readonly string[],
    request: PageRequest,
  ): Promise<Array<{ rows: Conversation[]; totalCount: number }>>;
}
