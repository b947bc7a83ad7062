/**
 * Email and Gmail (an inbound-mail webhook, already parsed from MIME, JSON): `{ type: "email.inbound",
 * mailbox, messages: [{ messageId, threadId, from: { address, name }, subject, text, date,
 * inReplyTo, attachments: [{ filename, contentType, size, url }] }] }`, signed with our timestamped
 * scheme. A thread is the provider's thread id (Gmail's threadId; for plain email the first
 * Message-ID of the References chain).
 */
import { z } from 'zod';
import type {
  AccountCredentials,
  NormalizedInbound,
  OutboundMessage,
  SendResult,
} from '../../domain/channel';
import { endpoint, kindOfMime, parsePayload, postJson } from './common';

export const emailPayloadSchema = z.object({
  type: z.literal('email.inbound'),
  mailbox: z.string().min(1),
  messages: z.array(
    z.object({
      messageId: z.string().min(1),
      threadId: z.string().min(1),
      from: z.object({ address: z.email(), name: z.string().optional() }),
      subject: z.string().optional(),
      text: z.string(),
      date: z.iso.datetime(),
      inReplyTo: z.string().optional(),
      attachments: z
        .array(
          z.object({
            filename: z.string().optional(),
            contentType: z.string().optional(),
            size: z.number().int().nonnegative().optional(),
            url: z.string().optional(),
          }),
        )
        .optional(),
    }),
  ),
});
export type EmailPayload = z.infer<typeof emailPayloadSchema>;

export function parseEmail(rawBody: Buffer): NormalizedInbound[] {
  return parsePayload(rawBody, emailPayloadSchema).messages.map((message) => ({
    platformMessageId: message.messageId,
    platformConversationId: message.threadId,
    sender: {
      platformUserId: message.from.address.toLowerCase(),
      displayName: message.from.name ?? null,
      handle: null,
      email: message.from.address.toLowerCase(),
      phone: null,
    },
    text: message.text,
    attachments: (message.attachments ?? []).map((attachment) => ({
      kind: kindOfMime(attachment.contentType),
      url: attachment.url ?? null,
      name: attachment.filename ?? null,
      mime: attachment.contentType ?? null,
      size: attachment.size ?? null,
    })),
    sentAt: new Date(message.date),
  }));
}

export function buildEmail(account: string, messages: readonly NormalizedInbound[]): EmailPayload {
  return {
    type: 'email.inbound',
    mailbox: account,
    messages: messages.map((message) => ({
      messageId: message.platformMessageId,
      threadId: message.platformConversationId,
      from: {
        address: message.sender.email ?? message.sender.platformUserId,
        name: message.sender.displayName ?? undefined,
      },
      subject: 'Message',
      text: message.text,
      date: message.sentAt.toISOString(),
      attachments: message.attachments.map((attachment) => ({
        filename: attachment.name ?? undefined,
        contentType: attachment.mime ?? undefined,
        size: attachment.size ?? undefined,
        url: attachment.url ?? undefined,
      })),
    })),
  };
}

const emailAnswer = z.object({ id: z.string().min(1), threadId: z.string().optional() });

/**
 * `POST /email/v1/messages` (`/gmail/v1/users/me/messages/send` for Gmail) from the mailbox, into
 * the thread; `replyTo` becomes In-Reply-To.
 */
export function emailSender(gmail: boolean) {
  return async (
    apiBaseUrl: string,
    credentials: AccountCredentials,
    message: OutboundMessage,
  ): Promise<SendResult> => {
    const answer = await postJson(
      endpoint(apiBaseUrl, gmail ? '/gmail/v1/users/me/messages/send' : '/email/v1/messages'),
      credentials,
      {
        from: credentials.platformAccountId,
        threadId: message.platformConversationId,
        subject: message.subject ?? null,
        text: message.text,
        inReplyTo: message.replyTo ?? null,
      },
      emailAnswer,
    );
    return { platformMessageId: answer.id, sentAt: new Date() };
  };
}
