/**
 * Leads for crm: the event that carries one message of a customer conversation and its participant to
 * crm (sealed by the caller: no crypto here), and what crm's link changes on the conversation. No
 * Prisma, GraphQL or Kafka here.
 */
import { createEvent, type CloudEvent, type EventData } from '@platform/events/catalog';
import { EVENT_SOURCE, type Conversation } from '../../conversation/domain/conversation';

export type LeadMessage = CloudEvent<
  'conversations.lead.message.v1',
  EventData<'conversations.lead.message.v1'>
>;
export type ConversationUpdated = CloudEvent<
  'conversations.conversation.updated.v1',
  EventData<'conversations.conversation.updated.v1'>
>;

/** One message of a conversation, as crm's timeline needs it (ids in clear, the rest sealed). */
export interface LeadMessageInput {
  /** The event's id: the seal is bound to it. */
  id: string;
  conversation: Pick<Conversation, 'id' | 'organizationId' | 'platform' | 'channelAccountId' | 'contactId'>;
  messageId: string;
  direction: 'inbound' | 'outbound';
  senderUserId: string | null;
  sentAt: Date;
  /** The participant and the message, sealed for this event id with the leads transit keyring. */
  sealed: string;
  now: Date;
}

/** conversations.lead.message.v1, keyed by the conversation (its messages and scores stay in order). */
export function leadMessage(input: LeadMessageInput): LeadMessage {
  const { conversation } = input;
  return createEvent('conversations.lead.message.v1', {
    id: input.id,
    source: EVENT_SOURCE,
    subject: conversation.id,
    tenantId: conversation.organizationId,
    time: input.now,
    data: {
      conversationId: conversation.id,
      organizationId: conversation.organizationId,
      messageId: input.messageId,
      channelAccountId: conversation.channelAccountId,
      platform: conversation.platform,
      direction: input.direction,
      contactId: conversation.contactId,
      senderUserId: input.senderUserId,
      sentAt: input.sentAt.toISOString(),
      sealed: input.sealed,
    },
  });
}

/** conversations.conversation.updated.v1 for a conversation whose contact crm linked (changes: contact). */
export function contactLinked(
  conversation: Pick<
    Conversation,
    | 'id'
    | 'organizationId'
    | 'platform'
    | 'status'
    | 'assigneeId'
    | 'contactId'
    | 'needsReply'
    | 'unreadCount'
  >,
  now: Date,
): ConversationUpdated {
  return createEvent('conversations.conversation.updated.v1', {
    source: EVENT_SOURCE,
    subject: conversation.id,
    tenantId: conversation.organizationId,
    time: now,
    data: {
      conversationId: conversation.id,
      organizationId: conversation.organizationId,
      platform: conversation.platform,
      status: conversation.status,
      assigneeId: conversation.assigneeId,
      contactId: conversation.contactId,
      needsReply: conversation.needsReply,
      unreadCount: conversation.unreadCount,
      changes: ['contact'],
      updatedAt: now.toISOString(),
    },
  });
}
