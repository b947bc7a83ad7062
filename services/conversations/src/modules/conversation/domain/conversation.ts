/** Conversation rules and the events they imply. No Prisma or GraphQL here. */
import { badUserInput, enumObject, InputIssues, isUuid, type PageRequest } from '@platform/domain';
import type { CONVERSATION_CHANGES } from '@platform/events/catalog';
import {
  CONVERSATION_PLATFORMS,
  CONVERSATION_STATUSES,
  createEvent,
  type CloudEvent,
  type EventData,
} from '@platform/events/catalog';

export const ConversationPlatform = enumObject(CONVERSATION_PLATFORMS);
export type ConversationPlatform = (typeof CONVERSATION_PLATFORMS)[number];
export const ConversationStatus = enumObject(CONVERSATION_STATUSES);
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

export interface Conversation {
  id: string;
  organizationId: string;
  contactId: string | null;
  platform: ConversationPlatform;
  status: ConversationStatus;
  subject: string | null;
  needsReply: boolean;
  messageCount: number;
  lastMessageAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** The connected account the thread runs on (null for one started by hand). */
  channelAccountId: string | null;
  platformConversationId: string | null;
  participantPlatformUserId: string | null;
  participantDisplayName: string | null;
  assigneeId: string | null;
  /** Set while snoozed. */
  snoozedUntil: Date | null;
  repliedAt: Date | null;
  repliedById: string | null;
  lastInboundAt: Date | null;
  /** The earliest message's sentAt (with lastMessageAt: the time range of its messages). */
  firstMessageAt: Date | null;
  unreadCount: number;
}

export interface StartConversationInput {
  contactId?: string | null;
  platform: ConversationPlatform;
  subject?: string | null;
}

export const EVENT_SOURCE = '/services/conversations';
export const MAX_SUBJECT_LENGTH = 500;

export type ConversationStarted = CloudEvent<
  'conversations.conversation.started.v1',
  EventData<'conversations.conversation.started.v1'>
>;

/** A conversation's thread fields before any message. */
export const NO_THREAD = {
  channelAccountId: null,
  platformConversationId: null,
  participantPlatformUserId: null,
  participantDisplayName: null,
  assigneeId: null,
  snoozedUntil: null,
  repliedAt: null,
  repliedById: null,
  lastInboundAt: null,
  firstMessageAt: null,
  unreadCount: 0,
} as const;

/** Status changes a user asks for: snoozed needs a future snoozedUntil, the others none. */
export function statusChange(
  status: ConversationStatus,
  snoozedUntil: Date | null,
  now: Date,
): { status: ConversationStatus; snoozedUntil: Date | null } {
  const issues = new InputIssues();
  if (status === 'snoozed') {
    if (!snoozedUntil) issues.add('snoozedUntil', 'is required to snooze');
    else if (snoozedUntil <= now) issues.add('snoozedUntil', 'must be in the future');
  } else if (snoozedUntil) {
    issues.add('snoozedUntil', 'only a snoozed conversation has one');
  }
  issues.throwIfAny();
  return { status, snoozedUntil: status === 'snoozed' ? snoozedUntil : null };
}

/** A new, open with nothing in it yet, and the event it implies. */
export function startConversation(
  ids: { id: string; organizationId: string },
  input: StartConversationInput,
  now: Date,
): { conversation: Conversation; events: [ConversationStarted] } {
  const issues = new InputIssues();
  const subject = input.subject?.trim() || null;
  if (subject && subject.length > MAX_SUBJECT_LENGTH) {
    issues.add('subject', `must be at most ${MAX_SUBJECT_LENGTH} characters`);
  }
  issues.throwIfAny();
  const conversation: Conversation = {
    id: ids.id,
    organizationId: ids.organizationId,
    contactId: input.contactId ?? null,
    platform: input.platform,
    status: ConversationStatus.open,
    subject,
    needsReply: false,
    messageCount: 0,
    lastMessageAt: null,
    createdAt: now,
    updatedAt: now,
    ...NO_THREAD,
  };
  return { conversation, events: [conversationStartedEvent(conversation)] };
}

/** conversations.conversation.started.v1: no subject and no content (they may hold PII). */
export function conversationStartedEvent(conversation: Conversation): ConversationStarted {
  return createEvent('conversations.conversation.started.v1', {
    source: EVENT_SOURCE,
    subject: conversation.id,
    tenantId: conversation.organizationId,
    time: conversation.createdAt,
    data: {
      conversationId: conversation.id,
      organizationId: conversation.organizationId,
      contactId: conversation.contactId,
      platform: conversation.platform,
      status: conversation.status,
      createdAt: conversation.createdAt.toISOString(),
    },
  });
}

export type ConversationChangeKind = (typeof CONVERSATION_CHANGES)[number];
export type ConversationUpdated = CloudEvent<
  'conversations.conversation.updated.v1',
  EventData<'conversations.conversation.updated.v1'>
>;

/** The fields whose change the updated event reports. */
export type ObservedConversation = Pick<
  Conversation,
  | 'id'
  | 'organizationId'
  | 'platform'
  | 'status'
  | 'snoozedUntil'
  | 'assigneeId'
  | 'contactId'
  | 'needsReply'
  | 'unreadCount'
  | 'messageCount'
>;

/** What changed between two states of a conversation, in the catalog's terms (empty: nothing it reports). */
export function conversationChanges(
  before: ObservedConversation,
  after: ObservedConversation,
): ConversationChangeKind[] {
  const changes: ConversationChangeKind[] = [];
  if (after.messageCount !== before.messageCount) changes.push('message');
  if (after.status !== before.status || after.snoozedUntil?.getTime() !== before.snoozedUntil?.getTime())
    changes.push('status');
  if (after.assigneeId !== before.assigneeId) changes.push('assignee');
  if (after.contactId !== before.contactId) changes.push('contact');
  if (after.needsReply !== before.needsReply) changes.push('needs_reply');
  if (after.unreadCount < before.unreadCount) changes.push('read');
  return changes;
}

/** conversations.conversation.updated.v1 for a change (none when nothing reported changed). */
export function conversationUpdatedEvents(
  before: ObservedConversation,
  after: ObservedConversation,
  now: Date,
): ConversationUpdated[] {
  const changes = conversationChanges(before, after);
  if (changes.length === 0) return [];
  return [
    createEvent('conversations.conversation.updated.v1', {
      source: EVENT_SOURCE,
      subject: after.id,
      tenantId: after.organizationId,
      time: now,
      data: {
        conversationId: after.id,
        organizationId: after.organizationId,
        platform: after.platform,
        status: after.status,
        assigneeId: after.assigneeId,
        contactId: after.contactId,
        needsReply: after.needsReply,
        unreadCount: after.unreadCount,
        changes,
        updatedAt: now.toISOString(),
      },
    }),
  ];
}

/** A cursor of these lists holds a UUID; any other is not one of theirs (BAD_USER_INPUT, not a SQL error). */
export function checkCursor(request: PageRequest): PageRequest {
  if (request.after && !isUuid(request.after.id)) {
    throw badUserInput('after is not a cursor of this connection', {
      issues: [{ path: 'after', message: 'invalid cursor', code: 'invalid' }],
    });
  }
  return request;
}
