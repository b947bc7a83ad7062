/**
 * Leads to crm, in the caller's tenant transaction: each message of a customer conversation is
 * appended to the outbox as conversations.lead.message.v1, its participant and text sealed with the
 * leads transit keyring (LEADS_TRANSIT_KEYRING, which crm holds too) and bound to the event's id; and
 * crm's link (crm.contact.lead_linked.v1) sets the conversation's contact.
 */
import { randomUUID } from 'node:crypto';
import { appendToOutbox } from '@platform/events';
import { LEAD_TRANSIT_LOCATION, type LeadTransitPayload } from '@platform/events/catalog';
import type { FieldCipher } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { NormalizedInbound } from '../../channel/domain/channel';
import type { Conversation } from '../../conversation/domain/conversation';
import type { RecordedInbound } from '../../message/infra/message-recorder';
import { contactLinked, leadMessage, type LeadMessage } from '../domain/lead';

type Tx = Prisma.TransactionClient;

/** The participant and message sealed for one event (the kit's field envelope, bound to the event id). */
export function sealLeadPayload(
  transit: FieldCipher,
  organizationId: string,
  eventId: string,
  payload: LeadTransitPayload,
): string {
  return transit.encrypt(JSON.stringify(payload), {
    organizationId,
    ...LEAD_TRANSIT_LOCATION,
    rowId: eventId,
  });
}

/** At most `max` characters; null when empty. */
const clip = (value: string | null | undefined, max: number): string | null => {
  const trimmed = value?.trim().slice(0, max);
  return trimmed ? trimmed : null;
};

function sealedEvent(
  transit: FieldCipher,
  conversation: Conversation,
  message: {
    messageId: string;
    direction: 'inbound' | 'outbound';
    senderUserId: string | null;
    sentAt: Date;
    participant: LeadTransitPayload['participant'];
    text: string;
    subject: string | null;
  },
  now: Date,
): LeadMessage {
  const id = randomUUID();
  const sealed = sealLeadPayload(transit, conversation.organizationId, id, {
    participant: message.participant,
    message: { text: message.text, subject: message.subject },
  });
  return leadMessage({
    id,
    conversation,
    messageId: message.messageId,
    direction: message.direction,
    senderUserId: message.senderUserId,
    sentAt: message.sentAt,
    sealed,
    now,
  });
}

/**
 * An inbound message the ingestion stored, for crm: the sender as the platform told them (name, handle,
 * email, phone) and the text. Nothing for a duplicate (it went to crm when it was first stored), nor
 * without a transit keyring (crm then takes no leads).
 */
export async function publishInboundLead(
  tx: Tx,
  transit: FieldCipher | null,
  inbound: NormalizedInbound,
  recorded: RecordedInbound,
  now: Date = new Date(),
): Promise<LeadMessage | null> {
  if (!transit || recorded.duplicate) return null;
  const { sender } = inbound;
  const event = sealedEvent(
    transit,
    recorded.conversation,
    {
      messageId: recorded.message.id,
      direction: 'inbound',
      senderUserId: null,
      sentAt: recorded.message.sentAt,
      participant: {
        platformUserId: sender.platformUserId.slice(0, 255),
        displayName: clip(sender.displayName, 500),
        handle: clip(sender.handle, 255),
        email: clip(sender.email, 320),
        phone: clip(sender.phone, 64),
      },
      text: recorded.message.text,
      subject: clip(recorded.conversation.subject, 500),
    },
    now,
  );
  await appendToOutbox(tx, [event]);
  return event;
}

/** An outbound message for crm's timeline (what `publishLeadMessage` needs of it). */
export interface OutboundLeadMessage {
  organizationId: string;
  conversationId: string;
  messageId: string;
  /** The user who wrote or approved it (null: sent by the system, e.g. an auto-approved AI reply). */
  senderUserId: string | null;
  text: string;
  sentAt: Date;
}

/**
 * An outbound message (a person's reply, an AI reply sent) for crm's timeline, appended to the outbox
 * in the caller's transaction: the participant as the conversation knows them. Call it where the reply
 * is recorded or sent. Nothing without a transit keyring, or for a conversation not on a channel.
 */
export async function publishLeadMessage(
  tx: Tx,
  transit: FieldCipher | null,
  message: OutboundLeadMessage,
  now: Date = new Date(),
): Promise<LeadMessage | null> {
  if (!transit) return null;
  const row = await tx.conversation.findFirst({
    where: { organizationId: message.organizationId, id: message.conversationId },
  });
  if (!row?.participantPlatformUserId) return null;
  const conversation: Conversation = { ...row };
  const event = sealedEvent(
    transit,
    conversation,
    {
      messageId: message.messageId,
      direction: 'outbound',
      senderUserId: message.senderUserId,
      sentAt: message.sentAt,
      participant: {
        platformUserId: row.participantPlatformUserId,
        displayName: clip(row.participantDisplayName, 500),
        handle: null,
        email: null,
        phone: null,
      },
      text: message.text,
      subject: clip(row.subject, 500),
    },
    now,
  );
  await appendToOutbox(tx, [event]);
  return event;
}

/**
 * crm linked the conversation's participant to a contact: the conversation names it from now on, and
 * conversations.conversation.updated.v1 (changes: contact) tells so. A link it already has changes
 * nothing (a redelivery, a second message's link); a deleted conversation is left alone.
 */
export async function applyLeadLink(
  tx: Tx,
  link: { organizationId: string; conversationId: string; contactId: string },
  now: Date = new Date(),
): Promise<boolean> {
  const { count } = await tx.conversation.updateMany({
    where: {
      organizationId: link.organizationId,
      id: link.conversationId,
      OR: [{ contactId: null }, { contactId: { not: link.contactId } }],
    },
    data: { contactId: link.contactId },
  });
  if (count === 0) return false;
  const row = await tx.conversation.findFirst({
    where: { organizationId: link.organizationId, id: link.conversationId },
  });
  if (!row) return false;
  await appendToOutbox(tx, [contactLinked({ ...row }, now)]);
  return true;
}
