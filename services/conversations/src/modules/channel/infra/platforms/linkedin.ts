/**
 * LinkedIn (organization page messaging, modelled on its Messages API's objects): `{ type:
 * "MESSAGE_EVENT", organization, messages: [{ id, thread, createdAt, from: { urn, name, vanityName },
 * body: { text }, attachments: [{ name, mediaType, size, url }] }] }`, signed with `X-LI-Signature`
 * (hex). Messages the organization sent itself come back and are left out.
 */
import { z } from 'zod';
import type {
  AccountCredentials,
  NormalizedInbound,
  OutboundMessage,
  SendResult,
} from '../../domain/channel';
import { endpoint, fromMillis, kindOfMime, parsePayload, postJson } from './common';

export const linkedinPayloadSchema = z.object({
  type: z.literal('MESSAGE_EVENT'),
  organization: z.string().min(1),
  messages: z.array(
    z.object({
      id: z.string().min(1),
      thread: z.string().min(1),
      createdAt: z.number().int(),
      from: z.object({
        urn: z.string().min(1),
        name: z.string().optional(),
        vanityName: z.string().optional(),
      }),
      body: z.object({ text: z.string() }),
      attachments: z
        .array(
          z.object({
            name: z.string().optional(),
            mediaType: z.string().optional(),
            size: z.number().int().nonnegative().optional(),
            url: z.string().optional(),
          }),
        )
        .optional(),
    }),
  ),
});
export type LinkedinPayload = z.infer<typeof linkedinPayloadSchema>;

export function parseLinkedin(rawBody: Buffer): NormalizedInbound[] {
  const payload = parsePayload(rawBody, linkedinPayloadSchema);
  return payload.messages
    .filter((message) => message.from.urn !== payload.organization)
    .map((message) => ({
      platformMessageId: message.id,
      platformConversationId: message.thread,
      sender: {
        platformUserId: message.from.urn,
        displayName: message.from.name ?? null,
        handle: message.from.vanityName ?? null,
        email: null,
        phone: null,
      },
      text: message.body.text,
      attachments: (message.attachments ?? []).map((attachment) => ({
        kind: kindOfMime(attachment.mediaType),
        url: attachment.url ?? null,
        name: attachment.name ?? null,
        mime: attachment.mediaType ?? null,
        size: attachment.size ?? null,
      })),
      sentAt: fromMillis(message.createdAt),
    }));
}

export function buildLinkedin(account: string, messages: readonly NormalizedInbound[]): LinkedinPayload {
  return {
    type: 'MESSAGE_EVENT',
    organization: account,
    messages: messages.map((message) => ({
      id: message.platformMessageId,
      thread: message.platformConversationId,
      createdAt: message.sentAt.getTime(),
      from: {
        urn: message.sender.platformUserId,
        name: message.sender.displayName ?? undefined,
        vanityName: message.sender.handle ?? undefined,
      },
      body: { text: message.text },
      attachments: message.attachments.map((attachment) => ({
        name: attachment.name ?? undefined,
        mediaType: attachment.mime ?? undefined,
        size: attachment.size ?? undefined,
        url: attachment.url ?? undefined,
      })),
    })),
  };
}

const linkedinAnswer = z.object({ id: z.string().min(1) });

/** `POST /rest/messages` into the thread, as the organization. */
export async function sendLinkedin(
  apiBaseUrl: string,
  credentials: AccountCredentials,
  message: OutboundMessage,
): Promise<SendResult> {
  const answer = await postJson(
    endpoint(apiBaseUrl, '/rest/messages'),
    credentials,
    {
      author: credentials.platformAccountId,
      thread: message.platformConversationId,
      body: { text: message.text },
    },
    linkedinAnswer,
  );
  return { platformMessageId: answer.id, sentAt: new Date() };
}
