/**
 * Meta's Graph API platforms. Messenger (facebook) and Instagram messaging deliver
 * `{ object: "page" | "instagram", entry: [{ id, time, messaging: [{ sender, recipient, timestamp,
 * message: { mid, text, attachments, is_echo, reply_to } }] }] }`; WhatsApp Cloud API delivers
 * `{ object: "whatsapp_business_account", entry: [{ id, changes: [{ field: "messages", value: {
 * metadata, contacts: [{ wa_id, profile: { name } }], messages: [{ id, from, timestamp, type, text,
 * image | video | audio | document }] } }] }] }`. Both are signed with `X-Hub-Signature-256`.
 */
import { z } from 'zod';
import {
  ChannelPayloadError,
  ChannelSendError,
  type AccountCredentials,
  type AttachmentKind,
  type AttachmentMetadata,
  type NormalizedInbound,
  type OutboundMessage,
  type SendResult,
} from '../../domain/channel';
import { endpoint, fromMillis, parsePayload, postJson } from './common';

export const GRAPH_API_VERSION = 'v19.0';

const messengerAttachment = z.object({
  type: z.string(),
  payload: z.object({ url: z.string().optional(), name: z.string().optional() }).partial().nullish(),
});

const messagingItem = z.object({
  sender: z.object({ id: z.string().min(1) }),
  recipient: z.object({ id: z.string().min(1) }),
  timestamp: z.number().int(),
  message: z
    .object({
      mid: z.string().min(1),
      text: z.string().optional(),
      is_echo: z.boolean().optional(),
      reply_to: z.object({ mid: z.string() }).optional(),
      attachments: z.array(messengerAttachment).optional(),
    })
    .optional(),
});

export const messengerPayloadSchema = z.object({
  object: z.enum(['page', 'instagram']),
  entry: z.array(
    z.object({ id: z.string(), time: z.number(), messaging: z.array(messagingItem).optional() }),
  ),
});
export type MessengerPayload = z.infer<typeof messengerPayloadSchema>;

function messengerKind(type: string): AttachmentKind {
  if (type === 'image' || type === 'video' || type === 'audio') return type;
  return type === 'file' ? 'file' : 'other';
}

/** Messenger's (`page`) or Instagram's (`instagram`) messages; the other's payload is malformed here. */
export function parseMessenger(object: 'page' | 'instagram', rawBody: Buffer): NormalizedInbound[] {
  const payload = parsePayload(rawBody, messengerPayloadSchema);
  if (payload.object !== object) {
    throw new ChannelPayloadError(`a ${payload.object} payload, not ${object}`);
  }
  const messages: NormalizedInbound[] = [];
  for (const entry of payload.entry) {
    for (const item of entry.messaging ?? []) {
      // Deliveries, reads and postbacks have no message; echoes are the page's own sends.
      if (!item.message || item.message.is_echo) continue;
      messages.push({
        platformMessageId: item.message.mid,
        // A page's conversation with a person is keyed by the person's page-scoped id.
        platformConversationId: item.sender.id,
        sender: { platformUserId: item.sender.id, displayName: null, handle: null, email: null, phone: null },
        text: item.message.text ?? '',
        attachments: (item.message.attachments ?? []).map((attachment) => ({
          kind: messengerKind(attachment.type),
          url: attachment.payload?.url ?? null,
          name: attachment.payload?.name ?? null,
          mime: null,
          size: null,
        })),
        sentAt: fromMillis(item.timestamp),
      });
    }
  }
  return messages;
}

/** Messenger's payload for `messages` received by `account` (the page or Instagram account id). */
export function buildMessenger(
  object: 'page' | 'instagram',
  account: string,
  messages: readonly NormalizedInbound[],
): MessengerPayload {
  return {
    object,
    entry: [
      {
        id: account,
        time: Date.now(),
        messaging: messages.map((message) => ({
          sender: { id: message.sender.platformUserId },
          recipient: { id: account },
          timestamp: message.sentAt.getTime(),
          message: {
            mid: message.platformMessageId,
            text: message.text,
            attachments: message.attachments.map((attachment) => ({
              type: attachment.kind === 'other' ? 'fallback' : attachment.kind,
              payload: { url: attachment.url ?? undefined, name: attachment.name ?? undefined },
            })),
          },
        })),
      },
    ],
  };
}

const messengerAnswer = z.object({ recipient_id: z.string().optional(), message_id: z.string().min(1) });

/** Send API: `POST /{version}/{page or IG account id}/messages`. */
export async function sendMessenger(
  apiBaseUrl: string,
  credentials: AccountCredentials,
  message: OutboundMessage,
): Promise<SendResult> {
  const answer = await postJson(
    endpoint(
      apiBaseUrl,
      `/${GRAPH_API_VERSION}/${encodeURIComponent(credentials.platformAccountId)}/messages`,
    ),
    credentials,
    {
      recipient: { id: message.platformConversationId },
      messaging_type: 'RESPONSE',
      message: { text: message.text },
      ...(message.replyTo ? { reply_to: { mid: message.replyTo } } : {}),
    },
    messengerAnswer,
  );
  return { platformMessageId: answer.message_id, sentAt: new Date() };
}

const whatsappMedia = z.object({
  id: z.string(),
  mime_type: z.string().optional(),
  filename: z.string().optional(),
  caption: z.string().optional(),
});

const whatsappMessage = z.object({
  id: z.string().min(1),
  from: z.string().min(1),
  timestamp: z.string().regex(/^\d{1,12}$/),
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
  context: z.object({ id: z.string() }).optional(),
  image: whatsappMedia.optional(),
  video: whatsappMedia.optional(),
  audio: whatsappMedia.optional(),
  document: whatsappMedia.optional(),
});

export const whatsappPayloadSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.object({
      id: z.string(),
      changes: z.array(
        z.object({
          field: z.string(),
          value: z.object({
            messaging_product: z.literal('whatsapp'),
            metadata: z.object({ display_phone_number: z.string(), phone_number_id: z.string() }),
            contacts: z
              .array(z.object({ wa_id: z.string(), profile: z.object({ name: z.string() }).optional() }))
              .optional(),
            messages: z.array(whatsappMessage).optional(),
            // Delivery statuses of our sends: not inbound messages.
            statuses: z.array(z.unknown()).optional(),
          }),
        }),
      ),
    }),
  ),
});
export type WhatsappPayload = z.infer<typeof whatsappPayloadSchema>;

const WHATSAPP_MEDIA = ['image', 'video', 'audio', 'document'] as const;

export function parseWhatsapp(rawBody: Buffer): NormalizedInbound[] {
  const payload = parsePayload(rawBody, whatsappPayloadSchema);
  const messages: NormalizedInbound[] = [];
  for (const entry of payload.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') continue;
      const names = new Map(
        (change.value.contacts ?? []).map((contact) => [contact.wa_id, contact.profile?.name]),
      );
      for (const message of change.value.messages ?? []) {
        const attachments: AttachmentMetadata[] = [];
        let caption: string | undefined;
        for (const type of WHATSAPP_MEDIA) {
          const media = message[type];
          if (!media) continue;
          caption ??= media.caption;
          attachments.push({
            kind: type === 'document' ? 'file' : type,
            // WhatsApp gives a media id; its URL is asked for with the token when needed.
            url: null,
            name: media.filename ?? null,
            mime: media.mime_type ?? null,
            size: null,
          });
        }
        messages.push({
          platformMessageId: message.id,
          platformConversationId: message.from,
          sender: {
            platformUserId: message.from,
            displayName: names.get(message.from) ?? null,
            handle: null,
            email: null,
            phone: `+${message.from}`,
          },
          text: message.text?.body ?? caption ?? '',
          attachments,
          sentAt: fromMillis(Number(message.timestamp) * 1000),
        });
      }
    }
  }
  return messages;
}

/** WhatsApp's payload for `messages` received on phone number id `account`. */
export function buildWhatsapp(account: string, messages: readonly NormalizedInbound[]): WhatsappPayload {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: `waba-${account}`,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000000', phone_number_id: account },
              contacts: messages.map((message) => ({
                wa_id: message.sender.platformUserId,
                ...(message.sender.displayName ? { profile: { name: message.sender.displayName } } : {}),
              })),
              messages: messages.map((message) => {
                const attachment = message.attachments[0];
                const type = attachment
                  ? attachment.kind === 'file' || attachment.kind === 'other'
                    ? 'document'
                    : attachment.kind
                  : 'text';
                return {
                  id: message.platformMessageId,
                  from: message.sender.platformUserId,
                  timestamp: String(Math.floor(message.sentAt.getTime() / 1000)),
                  type,
                  text: { body: message.text },
                  ...(attachment
                    ? {
                        [type]: {
                          id: `media-${message.platformMessageId}`,
                          mime_type: attachment.mime ?? undefined,
                          filename: attachment.name ?? undefined,
                        },
                      }
                    : {}),
                };
              }),
            },
          },
        ],
      },
    ],
  };
}

const whatsappAnswer = z.object({ messages: z.array(z.object({ id: z.string().min(1) })).min(1) });

/** Cloud API: `POST /{version}/{phone number id}/messages`. */
export async function sendWhatsapp(
  apiBaseUrl: string,
  credentials: AccountCredentials,
  message: OutboundMessage,
): Promise<SendResult> {
  const answer = await postJson(
    endpoint(
      apiBaseUrl,
      `/${GRAPH_API_VERSION}/${encodeURIComponent(credentials.platformAccountId)}/messages`,
    ),
    credentials,
    {
      messaging_product: 'whatsapp',
      to: message.platformConversationId,
      type: 'text',
      text: { body: message.text },
      ...(message.replyTo ? { context: { message_id: message.replyTo } } : {}),
    },
    whatsappAnswer,
  );
  const [first] = answer.messages;
  if (!first) throw new ChannelSendError('whatsapp answered no message id', 200, false);
  return { platformMessageId: first.id, sentAt: new Date() };
}
