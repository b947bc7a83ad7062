/**
 * Web chat (our widget's relay): `{ type: "chat.messages", site, events: [{ id, sessionId, sentAt,
 * visitor: { id, name, email }, text, attachments: [{ name, mime, size, url }] }] }`, signed with our
 * timestamped scheme. A thread is the visitor's chat session.
 */
import { z } from 'zod';
import type {
  AccountCredentials,
  NormalizedInbound,
  OutboundMessage,
  SendResult,
} from '../../domain/channel';
import { endpoint, kindOfMime, parsePayload, postJson } from './common';

export const chatPayloadSchema = z.object({
  type: z.literal('chat.messages'),
  site: z.string().min(1),
  events: z.array(
    z.object({
      id: z.string().min(1),
      sessionId: z.string().min(1),
      sentAt: z.iso.datetime(),
      visitor: z.object({ id: z.string().min(1), name: z.string().optional(), email: z.email().optional() }),
      text: z.string(),
      attachments: z
        .array(
          z.object({
            name: z.string().optional(),
            mime: z.string().optional(),
            size: z.number().int().nonnegative().optional(),
            url: z.string().optional(),
          }),
        )
        .optional(),
    }),
  ),
});
export type ChatPayload = z.infer<typeof chatPayloadSchema>;

export function parseChat(rawBody: Buffer): NormalizedInbound[] {
  return parsePayload(rawBody, chatPayloadSchema).events.map((event) => ({
    platformMessageId: event.id,
    platformConversationId: event.sessionId,
    sender: {
      platformUserId: event.visitor.id,
      displayName: event.visitor.name ?? null,
      handle: null,
      email: event.visitor.email ?? null,
      phone: null,
    },
    text: event.text,
    attachments: (event.attachments ?? []).map((attachment) => ({
      kind: kindOfMime(attachment.mime),
      url: attachment.url ?? null,
      name: attachment.name ?? null,
      mime: attachment.mime ?? null,
      size: attachment.size ?? null,
    })),
    sentAt: new Date(event.sentAt),
  }));
}

export function buildChat(account: string, messages: readonly NormalizedInbound[]): ChatPayload {
  return {
    type: 'chat.messages',
    site: account,
    events: messages.map((message) => ({
      id: message.platformMessageId,
      sessionId: message.platformConversationId,
      sentAt: message.sentAt.toISOString(),
      visitor: {
        id: message.sender.platformUserId,
        name: message.sender.displayName ?? undefined,
        email: message.sender.email ?? undefined,
      },
      text: message.text,
      attachments: message.attachments.map((attachment) => ({
        name: attachment.name ?? undefined,
        mime: attachment.mime ?? undefined,
        size: attachment.size ?? undefined,
        url: attachment.url ?? undefined,
      })),
    })),
  };
}

const chatAnswer = z.object({ id: z.string().min(1) });

/** `POST /chat/v1/sessions/{session}/messages`: the agent's answer in the visitor's widget. */
export async function sendChat(
  apiBaseUrl: string,
  credentials: AccountCredentials,
  message: OutboundMessage,
): Promise<SendResult> {
  const answer = await postJson(
    endpoint(apiBaseUrl, `/chat/v1/sessions/${encodeURIComponent(message.platformConversationId)}/messages`),
    credentials,
    { site: credentials.platformAccountId, text: message.text },
    chatAnswer,
  );
  return { platformMessageId: answer.id, sentAt: new Date() };
}
