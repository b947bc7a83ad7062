import type { PageRequest } from '@platform/domain';
import type {
  Conversation,
  ConversationPlatform,
  ConversationStarted,
  ConversationStatus,
} from './conversation';

/** The inbox's conditions, resolved (mine already turned into an assignee). */
export interface InboxQuery {
  needsReply?: boolean;
  platform?: ConversationPlatform;
  contactId?: string;
  /** Conversations whose contact belongs to this company (contact_companies, from crm's events). */
  companyId?: string;
  assigneeId?: string;
  statuses: readonly ConversationStatus[];
}

/** The conversation fields a user changes by hand. */
export type ConversationUpdate = Partial<
  Pick<Conversation, 'assigneeId' | 'status' | 'snoozedUntil' | 'unreadCount'>
>;

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
  /**
   * Up to `request.first + 1` conversations matching, after the cursor, by latest activity
   * (lastMessageAt, else createdAt) then id, newest first; and how many match in all.
   */
  inbox(
    organizationId: string,
    query: InboxQuery,
    request: PageRequest,
  ): Promise<{ rows: Conversation[]; totalCount: number }>;
  /** Changes the conversation; null when the organization has no such conversation. */
  update(organizationId: string, id: string, change: ConversationUpdate): Promise<Conversation | null>;
  withContacts(
    organizationId: string,
    contactIds: readonly string[],
    request: PageRequest,
  ): Promise<Array<{ rows: Conversation[]; totalCount: number }>>;
}
