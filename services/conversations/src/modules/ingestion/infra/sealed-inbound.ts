/**
 * An inbound message sealed for its event (the kit's field envelope, bound to the organization and
 * the event id: a ciphertext copied into another event does not open), and its digest key.
 */
import { createHash } from 'node:crypto';
import type { FieldCipher } from '@platform/service-kit';
import { z } from 'zod';
import { ATTACHMENT_KINDS, type NormalizedInbound } from '../../channel/domain/channel';

const location = (organizationId: string, eventId: string) => ({
  organizationId,
  table: 'inbound_events',
  column: 'message',
  rowId: eventId,
});

const inboundSchema = z.object({
  platformMessageId: z.string().min(1),
  platformConversationId: z.string().min(1),
  sender: z.object({
    platformUserId: z.string().min(1),
    displayName: z.string().nullable(),
    handle: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
  }),
  text: z.string(),
  attachments: z.array(
    z.object({
      kind: z.enum(ATTACHMENT_KINDS),
      url: z.string().nullable(),
      name: z.string().nullable(),
      mime: z.string().nullable(),
      size: z.number().nullable(),
    }),
  ),
  sentAt: z.iso.datetime({ offset: true }).transform((value) => new Date(value)),
});

export function sealInbound(
  cipher: FieldCipher,
  organizationId: string,
  eventId: string,
  message: NormalizedInbound,
): string {
  const plain = JSON.stringify({ ...message, sentAt: message.sentAt.toISOString() });
  return cipher.encrypt(plain, location(organizationId, eventId));
}

/** The message of an event; throws when it does not open here or is not a message. */
export function openInbound(
  cipher: FieldCipher,
  organizationId: string,
  eventId: string,
  sealed: string,
): NormalizedInbound {
  const plain = cipher.decrypt(sealed, location(organizationId, eventId));
  return inboundSchema.parse(JSON.parse(plain));
}

/** The Kafka key of a platform thread of an account: a digest, so the key names no phone or address. */
export function conversationKey(channelAccountId: string, platformConversationId: string): string {
  return createHash('sha256').update(`${channelAccountId}\u001f${platformConversationId}`).digest('hex');
}
