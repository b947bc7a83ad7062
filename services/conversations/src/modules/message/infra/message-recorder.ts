/**
 * Recording messages in a tenant transaction: what the ingestion (inbound, from channel adapters), the
 * reply mutation and later the AI pipeline call. Each function works in the caller's transaction (`tx`
 * already carries the organization, see withTenant) so a message, its conversation's state and its
 * events commit together.
 */
import { randomUUID } from 'node:crypto';
import { notFound } from '@platform/domain';
import { appendToOutbox, type CatalogEvent } from '@platform/events';
import type { Prisma } from '../../../generated/prisma/client';
import {
  conversationStartedEvent,
  conversationUpdatedEvents,
  type Conversation,
  type ConversationPlatform,
} from '../../conversation/domain/conversation';
import {
  afterInbound,
  afterOutbound,
  checkInbound,
  checkReplyText,
  messageReceived,
  messageSent,
  type ConversationChange,
  type Message,
  type MessageAttachment,
  type NormalizedInboundMessage,
} from '../domain/message';
import { toMessage } from './message-rows';
import type { FieldCipher } from '@platform/service-kit';
import { publishLeadMessage } from '../../lead/infra/lead-messages';
import type { MessageSealing } from './message-sealing';

type Tx = Prisma.TransactionClient;

/** Where an inbound message came in: the organization, its connected account and the platform. */
export interface InboundOrigin {
  organizationId: string;
  channelAccountId: string;
  platform: ConversationPlatform;
}

export interface RecordedInbound {
  message: Message;
  conversation: Conversation;
  /** True when this platform message had been stored before (nothing changed, no events). */
  duplicate: boolean;
}

export interface OutboundReply {
  organizationId: string;
  conversationId: string;
  /** The user replying (or approving an AI draft); null: an AI draft auto-approved by its confidence. */
  userId: string | null;
  text: string;
  attachments?: readonly MessageAttachment[];
}

export interface RecordedOutbound {
  message: Message;
  conversation: Conversation;
}

const conversationChange = (conversation: ConversationChange): Prisma.ConversationUpdateInput => ({
  status: conversation.status,
  snoozedUntil: conversation.snoozedUntil,
  needsReply: conversation.needsReply,
  unreadCount: conversation.unreadCount,
  messageCount: conversation.messageCount,
  lastMessageAt: conversation.lastMessageAt,
  lastInboundAt: conversation.lastInboundAt,
  firstMessageAt: conversation.firstMessageAt,
  repliedAt: conversation.repliedAt,
  repliedById: conversation.repliedById,
});

/** Locks the conversation row for the rest of the transaction: messages of one thread apply in turn. */
async function lockConversation(tx: Tx, organizationId: string, id: string): Promise<Conversation | null> {
  await tx.$queryRaw`SELECT id FROM conversations WHERE organization_id = ${organizationId}::uuid AND id = ${id}::uuid FOR UPDATE`;
  const row = await tx.conversation.findFirst({ where: { organizationId, id } });
  return row ? { ...row } : null;
}

/** Creates the month's partition of `sentAt` if it is missing (a no-op lookup otherwise). */
async function ensurePartition(tx: Tx, sentAt: Date): Promise<void> {
  await tx.$queryRaw`SELECT ensure_message_partitions(${sentAt}::timestamptz, 0)`;
}

/**
 * An inbound message, stored once per (organization, platform, platform message id) however often it is
 * delivered: finds or creates the conversation of (account, platform conversation id), stores the
 * message, and updates the conversation (needsReply, unread + 1, lastInboundAt, reopens a closed or
 * snoozed one). Answers the events to append (conversation started, message received); none for a
 * duplicate.
 */
export async function decideInbound(
  tx: Tx,
  sealing: MessageSealing,
  inbound: NormalizedInboundMessage,
  origin: InboundOrigin,
  now: Date = new Date(),
): Promise<{ value: RecordedInbound; events: CatalogEvent[] }> {
  checkInbound(inbound);
  const { organizationId, channelAccountId, platform } = origin;
  const messageId = randomUUID();
  // The key first: a concurrent delivery of the same message waits here for this one to commit.
  const claimed = await tx.messageKey.createMany({
    data: [
      {
        organizationId,
        platform,
        platformMessageId: inbound.platformMessageId,
        messageId,
        sentAt: inbound.sentAt,
      },
    ],
    skipDuplicates: true,
  });
  if (claimed.count === 0) return { value: await storedDuplicate(tx, sealing, inbound, origin), events: [] };

  const events: CatalogEvent[] = [];
  const created = await tx.conversation.createMany({
    data: [
      {
        id: randomUUID(),
        organizationId,
        platform,
        channelAccountId,
        platformConversationId: inbound.platformConversationId,
        participantPlatformUserId: inbound.sender.platformUserId,
        participantDisplayName: inbound.sender.displayName ?? null,
        subject: inbound.subject?.trim().slice(0, 500) || null,
        createdAt: now,
      },
    ],
    skipDuplicates: true,
  });
  const found = await tx.conversation.findFirst({
    where: { organizationId, channelAccountId, platformConversationId: inbound.platformConversationId },
    select: { id: true },
  });
  const conversation = found ? await lockConversation(tx, organizationId, found.id) : null;
  if (!conversation) throw new Error('recordInbound: the conversation vanished while locked');
  if (created.count > 0) events.push(conversationStartedEvent(conversation));

  await ensurePartition(tx, inbound.sentAt);
  const location = { organizationId, id: messageId };
  const message = toMessage(
    sealing,
    await tx.message.create({
      data: {
        id: messageId,
        organizationId,
        conversationId: conversation.id,
        direction: 'inbound',
        platformMessageId: inbound.platformMessageId,
        senderPlatformUserId: inbound.sender.platformUserId,
        senderDisplayName: sealing.sealNullable(
          location,
          'sender_display_name',
          inbound.sender.displayName ?? null,
        ),
        text: sealing.seal(location, 'text', inbound.text),
        attachments: attachmentsJson(inbound.attachments ?? []),
        deliveryStatus: 'received',
        sentAt: inbound.sentAt,
        createdAt: now,
      },
    }),
  );
  const updated = await tx.conversation.update({
    where: { id: conversation.id },
    data: {
      ...conversationChange(afterInbound(conversation, inbound.sentAt)),
      ...(inbound.sender.displayName ? { participantDisplayName: inbound.sender.displayName } : {}),
    },
  });
  events.push(messageReceived(message, conversation));
  events.push(...conversationUpdatedEvents(conversation, updated, now));
  return { value: { message, conversation: { ...updated }, duplicate: false }, events };
}

async function storedDuplicate(
  tx: Tx,
  sealing: MessageSealing,
  inbound: NormalizedInboundMessage,
  origin: InboundOrigin,
): Promise<RecordedInbound> {
  const key = await tx.messageKey.findUnique({
    where: {
      organizationId_platform_platformMessageId: {
        organizationId: origin.organizationId,
        platform: origin.platform,
        platformMessageId: inbound.platformMessageId,
      },
    },
  });
  const row = key
    ? await tx.message.findUnique({ where: { id_sentAt: { id: key.messageId, sentAt: key.sentAt } } })
    : null;
  const conversation = row
    ? await tx.conversation.findFirst({
        where: { organizationId: origin.organizationId, id: row.conversationId },
      })
    : null;
  if (!row || !conversation) throw new Error('recordInbound: a stored message key has no message');
  return { message: toMessage(sealing, row), conversation: { ...conversation }, duplicate: true };
}

/** recordInbound in the caller's transaction, its events appended to the outbox there. */
export async function recordInbound(
  tx: Tx,
  sealing: MessageSealing,
  inbound: NormalizedInboundMessage,
  origin: InboundOrigin,
  now: Date = new Date(),
): Promise<RecordedInbound> {
  const { value, events } = await decideInbound(tx, sealing, inbound, origin, now);
  await appendToOutbox(tx, events);
  return value;
}

/**
 * An outbound reply by a user: stored `queued` (the channel adapter sends it later), and the
 * conversation no longer needs a reply (repliedAt/By), its unread count back to 0.
 */
export async function decideOutbound(
  tx: Tx,
  sealing: MessageSealing,
  reply: OutboundReply,
  now: Date = new Date(),
  /** Seals the reply for crm's timeline (LEADS_TRANSIT_KEYRING); null: no lead event. */
  leadTransit: FieldCipher | null = null,
): Promise<{ value: RecordedOutbound; events: CatalogEvent[] }> {
  const text = checkReplyText(reply.text);
  const conversation = await lockConversation(tx, reply.organizationId, reply.conversationId);
  if (!conversation) throw notFound('Conversation', reply.conversationId);
  await ensurePartition(tx, now);
  const location = { organizationId: reply.organizationId, id: randomUUID() };
  const message = toMessage(
    sealing,
    await tx.message.create({
      data: {
        id: location.id,
        organizationId: reply.organizationId,
        conversationId: conversation.id,
        direction: 'outbound',
        senderUserId: reply.userId,
        text: sealing.seal(location, 'text', text),
        attachments: attachmentsJson(reply.attachments ?? []),
        deliveryStatus: 'queued',
        sentAt: now,
        createdAt: now,
      },
    }),
  );
  // The reply queue: the delivery worker sends it through the channel (a conversation started by hand has
  // no channel account: its replies stay recorded, nothing to send them through).
  if (conversation.channelAccountId) {
    await tx.outboundDelivery.create({
      data: {
        messageId: message.id,
        organizationId: reply.organizationId,
        conversationId: conversation.id,
        messageSentAt: message.sentAt,
        nextAttemptAt: now,
        createdAt: now,
      },
    });
  }
  const updated = await tx.conversation.update({
    where: { id: conversation.id },
    data: conversationChange(afterOutbound(conversation, reply.userId, now)),
  });
  await publishLeadMessage(
    tx,
    leadTransit,
    {
      organizationId: reply.organizationId,
      conversationId: conversation.id,
      messageId: message.id,
      senderUserId: reply.userId,
      text,
      sentAt: message.sentAt,
    },
    now,
  );
  return {
    value: { message, conversation: { ...updated } },
    events: [
      messageSent(message, conversation.platform, reply.userId),
      ...conversationUpdatedEvents(conversation, updated, now),
    ],
  };
}

/** recordOutbound in the caller's transaction, its event appended to the outbox there. */
export async function recordOutbound(
  tx: Tx,
  sealing: MessageSealing,
  reply: OutboundReply,
  now: Date = new Date(),
  leadTransit: FieldCipher | null = null,
): Promise<RecordedOutbound> {
  const { value, events } = await decideOutbound(tx, sealing, reply, now, leadTransit);
  await appendToOutbox(tx, events);
  return value;
}

/** Attachments as stored (JSON): only the known metadata fields. */
function attachmentsJson(attachments: readonly MessageAttachment[]): Prisma.InputJsonArray {
  return attachments.map((attachment) => ({
    contentType: attachment.contentType,
    name: attachment.name ?? null,
    sizeBytes: attachment.sizeBytes ?? null,
    url: attachment.url ?? null,
  }));
}
