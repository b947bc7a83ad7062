/** Message rules: what an inbound message or an outbound reply changes on its conversation. No Prisma or GraphQL. */
import { enumObject, InputIssues } from '@platform/domain';
import {
  createEvent,
  MESSAGE_DELIVERY_STATUSES,
  MESSAGE_DIRECTIONS,
  type CloudEvent,
  type EventData,
} from '@platform/events/catalog';
import {
  EVENT_SOURCE,
  type Conversation,
  type ConversationPlatform,
} from '../../conversation/domain/conversation';

export const MessageDirection = enumObject(MESSAGE_DIRECTIONS);
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];
export const MessageDeliveryStatus = enumObject(MESSAGE_DELIVERY_STATUSES);
export type MessageDeliveryStatus = (typeof MESSAGE_DELIVERY_STATUSES)[number];

/** Metadata of an attachment (its bytes live in storage or at the platform, never in the message row). */
export interface MessageAttachment {
  /** MIME type, e.g. image/png. */
  contentType: string;
  /** File name as the platform gave it, if any. */
  name?: string | null;
  /** Size in bytes, if known. */
  sizeBytes?: number | null;
  /** Where the platform serves it, if it does. */
  url?: string | null;
}

export interface Message {
  id: string;
  organizationId: string;
  conversationId: string;
  direction: MessageDirection;
  platformMessageId: string | null;
  senderPlatformUserId: string | null;
  senderDisplayName: string | null;
  /** The user who wrote an outbound message. */
  senderUserId: string | null;
  text: string;
  attachments: MessageAttachment[];
  deliveryStatus: MessageDeliveryStatus;
  sentAt: Date;
  createdAt: Date;
}

/**
 * An inbound message as a channel adapter normalizes it (what the ingestion hands to recordInbound):
 * the platform's ids, the sender, the content, and when the sender sent it.
 */
export interface NormalizedInboundMessage {
  /** The platform's id of the message: storing it twice stores it once. */
  platformMessageId: string;
  /** The platform's id of the thread (a DM thread, an email thread, a chat session). */
  platformConversationId: string;
  sender: { platformUserId: string; displayName?: string | null };
  text: string;
  attachments?: readonly MessageAttachment[];
  sentAt: Date;
  /** Subject line or title, if the platform has one (email). */
  subject?: string | null;
}

export const MAX_TEXT_LENGTH = 100_000;
export const MAX_PLATFORM_ID_LENGTH = 255;
export const MAX_ATTACHMENTS = 50;
export const MAX_ATTACHMENT_BYTES = 2_147_483_647;

/** The problems of a normalized inbound message (BAD_USER_INPUT / a refused delivery). */
export function checkInbound(message: NormalizedInboundMessage): void {
  const issues = new InputIssues();
  const id = (path: string, value: string) => {
    if (!value.trim()) issues.add(path, 'must not be empty');
    else if (value.length > MAX_PLATFORM_ID_LENGTH)
      issues.add(path, `must be at most ${MAX_PLATFORM_ID_LENGTH} characters`);
  };
  id('platformMessageId', message.platformMessageId);
  id('platformConversationId', message.platformConversationId);
  id('sender.platformUserId', message.sender.platformUserId);
  if (message.text.length > MAX_TEXT_LENGTH)
    issues.add('text', `must be at most ${MAX_TEXT_LENGTH} characters`);
  const attachments = message.attachments ?? [];
  if (attachments.length > MAX_ATTACHMENTS) issues.add('attachments', `at most ${MAX_ATTACHMENTS}`);
  attachments.forEach((attachment, index) => {
    if (!attachment.contentType.trim()) issues.add(`attachments.${index}.contentType`, 'must not be empty');
    const size = attachment.sizeBytes;
    // The graph exposes sizes as Int (32 bits); a larger file is not an attachment of a message.
    if (
      size !== null &&
      size !== undefined &&
      !(Number.isInteger(size) && size >= 0 && size <= MAX_ATTACHMENT_BYTES)
    )
      issues.add(`attachments.${index}.sizeBytes`, `must be a whole number 0–${MAX_ATTACHMENT_BYTES}`);
  });
  if (Number.isNaN(message.sentAt.getTime())) issues.add('sentAt', 'must be a time');
  issues.throwIfAny();
}

/** The text of a reply: trimmed, not empty, at most MAX_TEXT_LENGTH characters. */
export function checkReplyText(text: string): string {
  const issues = new InputIssues();
  const trimmed = text.trim();
  if (!trimmed) issues.add('text', 'must not be empty');
  else if (trimmed.length > MAX_TEXT_LENGTH)
    issues.add('text', `must be at most ${MAX_TEXT_LENGTH} characters`);
  issues.throwIfAny();
  return trimmed;
}

/** The conversation fields a message changes. */
export type ConversationChange = Pick<
  Conversation,
  | 'status'
  | 'snoozedUntil'
  | 'needsReply'
  | 'unreadCount'
  | 'messageCount'
  | 'lastMessageAt'
  | 'lastInboundAt'
  | 'firstMessageAt'
  | 'repliedAt'
  | 'repliedById'
>;

const later = (a: Date | null, b: Date): Date => (a && a > b ? a : b);
const earlier = (a: Date | null, b: Date): Date => (a && a < b ? a : b);

/**
 * An inbound message: the conversation needs a reply, has one more unread message, and a closed or
 * snoozed conversation opens again (a customer writing back is new work). A message older than the
 * newest one (a late delivery) still counts but does not move lastMessageAt back.
 */
export function afterInbound(conversation: ConversationChange, sentAt: Date): ConversationChange {
  const reopen = conversation.status === 'closed' || conversation.status === 'snoozed';
  return {
    ...conversation,
    status: reopen ? 'open' : conversation.status,
    snoozedUntil: reopen ? null : conversation.snoozedUntil,
    needsReply: true,
    unreadCount: conversation.unreadCount + 1,
    messageCount: conversation.messageCount + 1,
    lastMessageAt: later(conversation.lastMessageAt, sentAt),
    lastInboundAt: later(conversation.lastInboundAt, sentAt),
    firstMessageAt: earlier(conversation.firstMessageAt, sentAt),
  };
}

/** An outbound reply: no reply is needed any more (repliedAt/By), and the replier has read the thread. */
export function afterOutbound(
  conversation: ConversationChange,
  userId: string | null,
  now: Date,
): ConversationChange {
  return {
    ...conversation,
    needsReply: false,
    repliedAt: now,
    repliedById: userId,
    unreadCount: 0,
    messageCount: conversation.messageCount + 1,
    lastMessageAt: later(conversation.lastMessageAt, now),
    firstMessageAt: earlier(conversation.firstMessageAt, now),
  };
}

export type MessageReceived = CloudEvent<
  'conversations.message.received.v1',
  EventData<'conversations.message.received.v1'>
>;
export type MessageSent = CloudEvent<
  'conversations.message.sent.v1',
  EventData<'conversations.message.sent.v1'>
>;

/** conversations.message.received.v1: ids only, keyed by the conversation. */
export function messageReceived(
  message: Message,
  conversation: { channelAccountId: string | null; platform: ConversationPlatform; contactId: string | null },
): MessageReceived {
  return createEvent('conversations.message.received.v1', {
    source: EVENT_SOURCE,
    subject: message.conversationId,
    tenantId: message.organizationId,
    time: message.createdAt,
    data: {
      messageId: message.id,
      conversationId: message.conversationId,
      organizationId: message.organizationId,
      channelAccountId: conversation.channelAccountId,
      platform: conversation.platform,
      contactId: conversation.contactId,
      sentAt: message.sentAt.toISOString(),
      receivedAt: message.createdAt.toISOString(),
    },
  });
}

/** conversations.message.sent.v1: ids only, keyed by the conversation. */
export function messageSent(
  message: Message,
  platform: ConversationPlatform,
  userId: string | null,
): MessageSent {
  return createEvent('conversations.message.sent.v1', {
    source: EVENT_SOURCE,
    subject: message.conversationId,
    tenantId: message.organizationId,
    time: message.createdAt,
    data: {
      messageId: message.id,
      conversationId: message.conversationId,
      organizationId: message.organizationId,
      platform,
      senderUserId: userId,
      deliveryStatus: message.deliveryStatus,
      sentAt: message.sentAt.toISOString(),
    },
  });
}
