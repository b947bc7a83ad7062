/**
 * SMS (an SMS gateway's inbound webhook, JSON): `{ type: "sms.inbound", to, messages: [{ id, from,
 * body, receivedAt, media: [{ url, contentType, size }] }] }` signed with our timestamped scheme. A
 * thread is the customer's number.
 */
import { z } from 'zod';
import type {
  AccountCredentials,
  NormalizedInbound,
  OutboundMessage,
  SendResult,
} from '../../domain/channel';
import { endpoint, kindOfMime, parsePayload, postJson } from './common';

export const smsPayloadSchema = z.object({
  type: z.literal('sms.inbound'),
  to: z.string().min(1),
  messages: z.array(
    z.object({
      id: z.string().min(1),
      from: z.string().regex(/^\+?[0-9]{3,20}$/),
      body: z.string(),
      receivedAt: z.iso.datetime(),
      media: z
        .array(
          z.object({
            url: z.string(),
            contentType: z.string().optional(),
            size: z.number().int().nonnegative().optional(),
          }),
        )
        .optional(),
    }),
  ),
});
export type SmsPayload = z.infer<typeof smsPayloadSchema>;

export function parseSms(rawBody: Buffer): NormalizedInbound[] {
  return parsePayload(rawBody, smsPayloadSchema).messages.map((message) => ({
    platformMessageId: message.id,
    platformConversationId: message.from,
    sender: {
      platformUserId: message.from,
      displayName: null,
      handle: null,
      email: null,
      phone: message.from,
    },
    text: message.body,
    attachments: (message.media ?? []).map((media) => ({
      kind: kindOfMime(media.contentType),
      url: media.url,
      name: null,
      mime: media.contentType ?? null,
      size: media.size ?? null,
    })),
    sentAt: new Date(message.receivedAt),
  }));
}

export function buildSms(account: string, messages: readonly NormalizedInbound[]): SmsPayload {
  return {
    type: 'sms.inbound',
    to: account,
    messages: messages.map((message) => ({
      id: message.platformMessageId,
      from: message.sender.platformUserId,
      body: message.text,
      receivedAt: message.sentAt.toISOString(),
      media: message.attachments.map((attachment) => ({
        url: attachment.url ?? '',
        contentType: attachment.mime ?? undefined,
        size: attachment.size ?? undefined,
      })),
    })),
  };
}

const smsAnswer = z.object({ id: z.string().min(1), status: z.string().optional() });

/** `POST /sms/v1/messages` from the account's number. */
export async function sendSms(
  apiBaseUrl: string,
  credentials: AccountCredentials,
  message: OutboundMessage,
): Promise<SendResult> {
  const answer = await postJson(
    endpoint(apiBaseUrl, '/sms/v1/messages'),
    credentials,
    { from: credentials.platformAccountId, to: message.platformConversationId, body: message.text },
    smsAnswer,
  );
  return { platformMessageId: answer.id, sentAt: new Date() };
}
