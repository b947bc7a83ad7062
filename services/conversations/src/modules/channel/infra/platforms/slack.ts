/**
 * Slack's Events API: `{ type: "event_callback", team_id, api_app_id, event_id, event_time, event: {
 * type: "message", channel, user, text, ts, thread_ts, files } }`, one event per delivery, signed with
 * `X-Slack-Signature` (v0, timestamped). A message's id is `<channel>:<ts>` (ts is unique per channel);
 * its thread is the channel (a direct-message channel with the customer).
 */
import { z } from 'zod';
import {
  ChannelSendError,
  type AccountCredentials,
  type NormalizedInbound,
  type OutboundMessage,
  type SendResult,
} from '../../domain/channel';
import { endpoint, fromMillis, kindOfMime, parsePayload, postJson } from './common';

const slackFile = z.object({
  id: z.string(),
  name: z.string().optional(),
  mimetype: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  url_private: z.string().optional(),
});

const messageEvent = z.object({
  type: z.literal('message'),
  channel: z.string().min(1),
  user: z.string().min(1).optional(),
  text: z.string().optional(),
  ts: z.string().regex(/^\d{1,12}\.\d{1,6}$/),
  thread_ts: z.string().optional(),
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
  user_profile: z
    .object({
      display_name: z.string().optional(),
      real_name: z.string().optional(),
      name: z.string().optional(),
    })
    .optional(),
  files: z.array(slackFile).optional(),
});

export const slackPayloadSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('event_callback'),
    team_id: z.string(),
    api_app_id: z.string().optional(),
    event_id: z.string(),
    event_time: z.number().int(),
    // Other event types (reactions, channel changes) are delivered too: not messages.
    event: z.union([messageEvent, z.object({ type: z.string() })]),
  }),
  // The endpoint's one-time check when it is configured (answered with the challenge, never stored).
  z.object({ type: z.literal('url_verification'), challenge: z.string(), token: z.string().optional() }),
]);
export type SlackPayload = z.infer<typeof slackPayloadSchema>;

/** Subtypes that are a person's message (anything else: edits, joins, bots). */
const PERSON_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

export function slackMessageId(channel: string, ts: string): string {
  return `${channel}:${ts}`;
}

export function parseSlack(rawBody: Buffer): NormalizedInbound[] {
  const payload = parsePayload(rawBody, slackPayloadSchema);
  if (payload.type !== 'event_callback') return [];
  const parsed = messageEvent.safeParse(payload.event);
  if (!parsed.success) return [];
  const event = parsed.data;
  if (event.bot_id || !event.user || !PERSON_SUBTYPES.has(event.subtype)) return [];
  const profile = event.user_profile;
  return [
    {
      platformMessageId: slackMessageId(event.channel, event.ts),
      platformConversationId: event.channel,
      sender: {
        platformUserId: event.user,
        displayName: profile?.real_name || profile?.display_name || null,
        handle: profile?.name ?? null,
        email: null,
        phone: null,
      },
      text: event.text ?? '',
      attachments: (event.files ?? []).map((file) => ({
        kind: kindOfMime(file.mimetype),
        url: file.url_private ?? null,
        name: file.name ?? null,
        mime: file.mimetype ?? null,
        size: file.size ?? null,
      })),
      sentAt: fromMillis(Math.round(Number(event.ts) * 1000)),
    },
  ];
}

/** The message's `ts` in Slack's `<seconds>.<microseconds>` form. */
export function slackTs(date: Date): string {
  const millis = date.getTime();
  return `${Math.floor(millis / 1000)}.${String((millis % 1000) * 1000).padStart(6, '0')}`;
}

/** Slack's payload for `message` in workspace `account` (its id is `<channel>:<ts>`). */
export function buildSlack(account: string, message: NormalizedInbound, eventId: string): SlackPayload {
  const separator = message.platformMessageId.lastIndexOf(':');
  const ts = separator < 0 ? slackTs(message.sentAt) : message.platformMessageId.slice(separator + 1);
  return {
    type: 'event_callback',
    team_id: account,
    api_app_id: 'A0SIMULATOR',
    event_id: eventId,
    event_time: Math.floor(message.sentAt.getTime() / 1000),
    event: {
      type: 'message',
      channel: message.platformConversationId,
      user: message.sender.platformUserId,
      text: message.text,
      ts,
      ...(message.sender.displayName || message.sender.handle
        ? {
            user_profile: {
              real_name: message.sender.displayName ?? undefined,
              name: message.sender.handle ?? undefined,
            },
          }
        : {}),
      ...(message.attachments.length > 0
        ? {
            files: message.attachments.map((attachment, index) => ({
              id: `F${index}`,
              name: attachment.name ?? undefined,
              mimetype: attachment.mime ?? undefined,
              size: attachment.size ?? undefined,
              url_private: attachment.url ?? undefined,
            })),
          }
        : {}),
    },
  };
}

const slackAnswer = z.union([
  z.object({ ok: z.literal(true), channel: z.string(), ts: z.string() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

/** Web API `chat.postMessage` (a reply goes in the thread of `replyTo`). */
export async function sendSlack(
  apiBaseUrl: string,
  credentials: AccountCredentials,
  message: OutboundMessage,
): Promise<SendResult> {
  const threadTs = message.replyTo ? message.replyTo.slice(message.replyTo.lastIndexOf(':') + 1) : undefined;
  const answer = await postJson(
    endpoint(apiBaseUrl, '/api/chat.postMessage'),
    credentials,
    {
      channel: message.platformConversationId,
      text: message.text,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    },
    slackAnswer,
  );
  if (!answer.ok) {
    throw new ChannelSendError(
      `slack refused the message: ${answer.error}`,
      200,
      answer.error === 'ratelimited',
    );
  }
  return { platformMessageId: slackMessageId(answer.channel, answer.ts), sentAt: new Date() };
}

/**
 * The challenge of Slack's `url_verification` request (sent once, signed, when the endpoint is set up;
 * the endpoint answers it as the body), or null for any other payload.
 */
export function slackChallenge(rawBody: Buffer): string | null {
  try {
    const payload = parsePayload(rawBody, slackPayloadSchema);
    return payload.type === 'url_verification' ? payload.challenge : null;
  } catch {
    return null;
  }
}
