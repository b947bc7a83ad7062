import type { CatalogEvent } from '@platform/events';
import type {
  CONVERSATION_CHANGES,
  CONVERSATION_PLATFORMS,
  CONVERSATION_STATUSES,
  MESSAGE_DELIVERY_STATUSES,
  MESSAGE_DIRECTIONS,
  REPLY_STATUSES,
} from '@platform/events/catalog';

/**
 * What the realtime endpoint streams, made from conversations' events: one subscription field per kind
 * of event, its payload the event's ids, enums, counts and times (the events carry no PII, and neither
 * does a payload: clients fetch the details with a query). Pure: the Kafka feed and the server use it.
 */

type ConversationPlatform = (typeof CONVERSATION_PLATFORMS)[number];
type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** `MessageAddedEvent`: an inbound message stored, or an outbound reply recorded. */
export interface MessageAddedPayload {
  messageId: string;
  conversationId: string;
  organizationId: string;
  direction: (typeof MESSAGE_DIRECTIONS)[number];
  platform: ConversationPlatform;
  deliveryStatus: (typeof MESSAGE_DELIVERY_STATUSES)[number];
  channelAccountId: string | null;
  contactId: string | null;
  senderUserId: string | null;
  sentAt: string;
  occurredAt: string;
}

/** `ConversationStartedEvent`. */
export interface ConversationStartedPayload {
  conversationId: string;
  organizationId: string;
  platform: ConversationPlatform;
  status: ConversationStatus;
  contactId: string | null;
  occurredAt: string;
}

/** `ConversationUpdatedEvent`. */
export interface ConversationUpdatedPayload {
  conversationId: string;
  organizationId: string;
  platform: ConversationPlatform;
  status: ConversationStatus;
  assigneeId: string | null;
  contactId: string | null;
  needsReply: boolean;
  unreadCount: number;
  changes: Array<(typeof CONVERSATION_CHANGES)[number]>;
  occurredAt: string;
}

/** `ReplyDraftedEvent`. */
export interface ReplyDraftedPayload {
  replyId: string;
  conversationId: string;
  organizationId: string;
  inReplyToMessageId: string;
  aiTaskId: string;
  status: (typeof REPLY_STATUSES)[number];
  confidence: number;
  autoApproved: boolean;
  occurredAt: string;
}

/** One event as the realtime endpoint sees it: which subscription field it feeds, and for whom. */
export type RealtimeEvent =
  | { field: 'messageAdded'; organizationId: string; conversationId: string; payload: MessageAddedPayload }
  | {
      field: 'conversationStarted';
      organizationId: string;
      conversationId: string;
      payload: ConversationStartedPayload;
    }
  | {
      field: 'conversationUpdated';
      organizationId: string;
      conversationId: string;
      payload: ConversationUpdatedPayload;
    }
  | { field: 'replyDrafted'; organizationId: string; conversationId: string; payload: ReplyDraftedPayload };

export type RealtimeField = RealtimeEvent['field'];

/** The subscription fields, in the order the schema lists them. */
export const REALTIME_FIELDS = [
  'messageAdded',
  'conversationStarted',
  'conversationUpdated',
  'replyDrafted',
] as const satisfies readonly RealtimeField[];

/** The topics the feed reads (logical names: the topic prefix is added). */
export const REALTIME_TOPICS = [
  'conversations.message',
  'conversations.conversation',
  'conversations.reply',
] as const;

/**
 * The realtime event of a catalog event, or null when it feeds no subscription (another type on the
 * same topics, such as a future one). An event whose envelope names another organization than its data
 * feeds nothing: delivery is keyed on the organization, and an event that disagrees about it is not
 * trusted to name the right one.
 */
export function realtimeEventOf(event: CatalogEvent): RealtimeEvent | null {
  const made = mapped(event);
  if (made === null || made.organizationId !== event.tenantid) return null;
  return made;
}

function mapped(event: CatalogEvent): RealtimeEvent | null {
  if (event.type === 'conversations.message.received.v1') {
    const data = event.data;
    return {
      field: 'messageAdded',
      organizationId: data.organizationId,
      conversationId: data.conversationId,
      payload: {
        messageId: data.messageId,
        conversationId: data.conversationId,
        organizationId: data.organizationId,
        direction: 'inbound',
        platform: data.platform,
        deliveryStatus: 'received',
        channelAccountId: data.channelAccountId,
        contactId: data.contactId,
        senderUserId: null,
        sentAt: data.sentAt,
        occurredAt: data.receivedAt,
      },
    };
  }
  if (event.type === 'conversations.message.sent.v1') {
    const data = event.data;
    return {
      field: 'messageAdded',
      organizationId: data.organizationId,
      conversationId: data.conversationId,
      payload: {
        messageId: data.messageId,
        conversationId: data.conversationId,
        organizationId: data.organizationId,
        direction: 'outbound',
        platform: data.platform,
        deliveryStatus: data.deliveryStatus,
        channelAccountId: null,
        contactId: null,
        senderUserId: data.senderUserId,
        sentAt: data.sentAt,
        occurredAt: data.sentAt,
      },
    };
  }
  if (event.type === 'conversations.conversation.started.v1') {
    const data = event.data;
    return {
      field: 'conversationStarted',
      organizationId: data.organizationId,
      conversationId: data.conversationId,
      payload: {
        conversationId: data.conversationId,
        organizationId: data.organizationId,
        platform: data.platform,
        status: data.status,
        contactId: data.contactId,
        occurredAt: data.createdAt,
      },
    };
  }
  if (event.type === 'conversations.conversation.updated.v1') {
    const data = event.data;
    return {
      field: 'conversationUpdated',
      organizationId: data.organizationId,
      conversationId: data.conversationId,
      payload: {
        conversationId: data.conversationId,
        organizationId: data.organizationId,
        platform: data.platform,
        status: data.status,
        assigneeId: data.assigneeId,
        contactId: data.contactId,
        needsReply: data.needsReply,
        unreadCount: data.unreadCount,
        changes: [...data.changes],
        occurredAt: data.updatedAt,
      },
    };
  }
  if (event.type === 'conversations.reply.drafted.v1') {
    const data = event.data;
    return {
      field: 'replyDrafted',
      organizationId: data.organizationId,
      conversationId: data.conversationId,
      payload: {
        replyId: data.replyId,
        conversationId: data.conversationId,
        organizationId: data.organizationId,
        inReplyToMessageId: data.inReplyToMessageId,
        aiTaskId: data.aiTaskId,
        status: data.status,
        confidence: data.confidence,
        autoApproved: data.autoApproved,
        occurredAt: data.draftedAt,
      },
    };
  }
  return null;
}

/** What one subscription asked for: its field, its organization, and its arguments. */
export interface RealtimeFilter {
  field: RealtimeField;
  organizationId: string;
  /** Only this conversation's events (null: every conversation of the organization). */
  conversationId: string | null;
  /** `messageAdded` only: inbound or outbound messages (null: both). */
  direction: MessageAddedPayload['direction'] | null;
}

/** Whether a subscription receives an event: same field, same organization, and its arguments match. */
export function matches(filter: RealtimeFilter, event: RealtimeEvent): boolean {
  if (filter.organizationId !== event.organizationId || filter.field !== event.field) return false;
  if (filter.conversationId !== null && filter.conversationId !== event.conversationId) return false;
  if (filter.direction !== null && event.field === 'messageAdded') {
    return event.payload.direction === filter.direction;
  }
  return true;
}
