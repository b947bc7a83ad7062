/**
 * X's Account Activity API: `{ for_user_id, direct_message_events: [{ type: "message_create", id,
 * created_timestamp, message_create: { target: { recipient_id }, sender_id, message_data: { text,
 * attachment: { type: "media", media } } } }], users: { <id>: { id, name, screen_name } } }`, signed
 * with `X-Twitter-Webhooks-Signature` (base64). The account's own sends come back too and are left
 * out; a thread is keyed by the other person's user id.
 */
import { z } from 'zod';
import type {
  AccountCredentials,
  NormalizedInbound,
  OutboundMessage,
  SendResult,
} from '../../domain/channel';
import { endpoint, fromMillis, parsePayload, postJson } from './common';

const dmEvent = z.object({
  type: z.string(),
  id: z.string().min(1),
  created_timestamp: z.string().regex(/^\d{1,15}$/),
  message_create: z
    .object({
      target: z.object({ recipient_id: z.string() }),
      sender_id: z.string().min(1),
      message_data: z.object({
        text: z.string(),
        attachment: z
          .object({
            type: z.string(),
            media: z.object({ media_url_https: z.string().optional(), type: z.string().optional() }),
          })
          .optional(),
      }),
    })
    .optional(),
});

export const twitterPayloadSchema = z.object({
  for_user_id: z.string().min(1),
  direct_message_events: z.array(dmEvent).optional(),
  users: z
    .record(
      z.string(),
      z.object({ id: z.string(), name: z.string().optional(), screen_name: z.string().optional() }),
    )
    .optional(),
});
export type TwitterPayload = z.infer<typeof twitterPayloadSchema>;

const MEDIA_KINDS: Record<string, 'image' | 'video'> = {
  photo: 'image',
  animated_gif: 'video',
  video: 'video',
};

export function parseTwitter(rawBody: Buffer): NormalizedInbound[] {
  const payload = parsePayload(rawBody, twitterPayloadSchema);
  const messages: NormalizedInbound[] = [];
  for (const event of payload.direct_message_events ?? []) {
    const create = event.message_create;
    if (event.type !== 'message_create' || !create || create.sender_id === payload.for_user_id) continue;
    const user = payload.users?.[create.sender_id];
    const media = create.message_data.attachment?.media;
    messages.push({
      platformMessageId: event.id,
      platformConversationId: create.sender_id,
      sender: {
        platformUserId: create.sender_id,
        displayName: user?.name ?? null,
        handle: user?.screen_name ?? null,
        email: null,
        phone: null,
      },
      text: create.message_data.text,
      attachments: media
        ? [
            {
              kind: MEDIA_KINDS[media.type ?? ''] ?? 'other',
              url: media.media_url_https ?? null,
              name: null,
              mime: null,
              size: null,
            },
          ]
        : [],
      sentAt: fromMillis(Number(event.created_timestamp)),
    });
  }
  return messages;
}

/** X's payload for direct `messages` to user `account`. */
export function buildTwitter(account: string, messages: readonly NormalizedInbound[]): TwitterPayload {
  const users: NonNullable<TwitterPayload['users']> = {};
  for (const message of messages) {
    users[message.sender.platformUserId] = {
      id: message.sender.platformUserId,
      name: message.sender.displayName ?? undefined,
      screen_name: message.sender.handle ?? undefined,
    };
  }
  return {
    for_user_id: account,
    direct_message_events: messages.map((message) => {
      const attachment = message.attachments[0];
      return {
        type: 'message_create',
        id: message.platformMessageId,
        created_timestamp: String(message.sentAt.getTime()),
        message_create: {
          target: { recipient_id: account },
          sender_id: message.sender.platformUserId,
          message_data: {
            text: message.text,
            ...(attachment
              ? {
                  attachment: {
                    type: 'media',
                    media: {
                      media_url_https: attachment.url ?? undefined,
                      type: attachment.kind === 'video' ? 'video' : 'photo',
                    },
                  },
                }
              : {}),
          },
        },
      };
    }),
    users,
  };
}

const twitterAnswer = z.object({
  data: z.object({ dm_conversation_id: z.string(), dm_event_id: z.string().min(1) }),
});

/** API v2: `POST /2/dm_conversations/with/{participant id}/messages`. */
export async function sendTwitter(
  apiBaseUrl: string,
  credentials: AccountCredentials,
  message: OutboundMessage,
): Promise<SendResult> {
  const answer = await postJson(
    endpoint(
      apiBaseUrl,
      `/2/dm_conversations/with/${encodeURIComponent(message.platformConversationId)}/messages`,
    ),
    credentials,
    { text: message.text },
    twitterAnswer,
  );
  return { platformMessageId: answer.data.dm_event_id, sentAt: new Date() };
}
