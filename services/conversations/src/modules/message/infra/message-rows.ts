import { z } from 'zod';
import type { Prisma } from '../../../generated/prisma/client';
import type { Message, MessageAttachment } from '../domain/message';
import type { MessageSealing } from './message-sealing';

type MessageRow = Prisma.MessageGetPayload<object>;

const Attachments = z.array(
  z.object({
    contentType: z.string(),
    name: z.string().nullish(),
    sizeBytes: z.number().nullish(),
    url: z.string().nullish(),
  }),
);

/** Stored attachments JSON as metadata; a malformed column reads as no attachments. */
function attachmentsOf(value: Prisma.JsonValue): MessageAttachment[] {
  const parsed = Attachments.safeParse(value);
  return parsed.success ? parsed.data : [];
}

/** A stored row as a message, its text and sender name opened. */
export const toMessage = (sealing: MessageSealing, row: MessageRow): Message => ({
  ...row,
  text: sealing.open(row, 'text', row.text),
  senderDisplayName: sealing.openNullable(row, 'sender_display_name', row.senderDisplayName),
  attachments: attachmentsOf(row.attachments),
});

/** A row of the batched page query: the conversation, its count, and one message's columns (null without messages). */
export interface MessagePageRow {
  parent: string;
  total: number;
  id: string | null;
  organization_id: string;
  conversation_id: string;
  direction: Message['direction'];
  platform_message_id: string | null;
  sender_platform_user_id: string | null;
  sender_display_name: string | null;
  sender_user_id: string | null;
  text: string;
  attachments: Prisma.JsonValue;
  delivery_status: Message['deliveryStatus'];
  sent_at: Date;
  created_at: Date;
}

export const fromPageRow = (sealing: MessageSealing, row: MessagePageRow): Message | null => {
  const id = row.id;
  if (id === null) return null;
  const location = { organizationId: row.organization_id, id };
  return {
    id,
    organizationId: row.organization_id,
    conversationId: row.conversation_id,
    direction: row.direction,
    platformMessageId: row.platform_message_id,
    senderPlatformUserId: row.sender_platform_user_id,
    senderDisplayName: sealing.openNullable(location, 'sender_display_name', row.sender_display_name),
    senderUserId: row.sender_user_id,
    text: sealing.open(location, 'text', row.text),
    attachments: attachmentsOf(row.attachments),
    deliveryStatus: row.delivery_status,
    sentAt: row.sent_at,
    createdAt: row.created_at,
  };
};
