/**
 * The channel boundary: what every customer platform (Meta's Messenger, Instagram and WhatsApp, Slack,
 * X, LinkedIn, SMS, email, Gmail, web chat) looks like to the rest of conversations. An adapter checks a
 * webhook's signature the platform's way, maps its payload to normalized messages, and sends through
 * the platform's API. No Prisma, GraphQL or HTTP here.
 */

/** Every platform an account can be connected on (`chat`: the web chat widget). */
export const CHANNEL_PLATFORMS = [
  'facebook',
  'instagram',
  'whatsapp',
  'twitter',
  'linkedin',
  'email',
  'gmail',
  'slack',
  'sms',
  'chat',
] as const;
export type ChannelPlatform = (typeof CHANNEL_PLATFORMS)[number];

export function isChannelPlatform(value: string): value is ChannelPlatform {
  return CHANNEL_PLATFORMS.some((platform) => platform === value);
}

/** What a message's attachment is, as far as the platforms tell. */
export const ATTACHMENT_KINDS = ['image', 'video', 'audio', 'file', 'other'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/** An attachment's metadata (the content stays on the platform). Unknown fields are null. */
export interface AttachmentMetadata {
  kind: AttachmentKind;
  url: string | null;
  name: string | null;
  mime: string | null;
  /** Bytes. */
  size: number | null;
}

/** Who wrote an inbound message, in the platform's terms. */
export interface InboundSender {
  /** The platform's id of the user (page-scoped id, wa_id, Slack user, X user id, address, number). */
  platformUserId: string;
  displayName: string | null;
  /** @handle / screen name where the platform has one. */
  handle: string | null;
  email: string | null;
  phone: string | null;
}

/** One message a customer sent, whatever the platform. */
export interface NormalizedInbound {
  /** Unique per platform account: ingestion is idempotent on it. */
  platformMessageId: string;
  /** The thread the message belongs to on the platform (where a reply goes). */
  platformConversationId: string;
  sender: InboundSender;
  text: string;
  attachments: AttachmentMetadata[];
  sentAt: Date;
}

/** A message to send: a reply in a thread, or a new message (no `replyTo`). */
export interface OutboundMessage {
  /** The platform's thread (or recipient) id: `NormalizedInbound.platformConversationId`. */
  platformConversationId: string;
  text: string;
  /** The platform message id answered, where the platform threads replies. */
  replyTo?: string | null;
  /** Email only: the subject of a new message (a reply keeps its thread's). */
  subject?: string | null;
}

/** What the platform answered to a send. */
export interface SendResult {
  platformMessageId: string;
  sentAt: Date;
}

/** What sending needs from a connected account (decrypted by the accounts module). */
export interface AccountCredentials {
  /** The OAuth access token (or API key) presented as a bearer token. */
  accessToken: string;
  /**
   * The account's own id on the platform: the page, Instagram account, WhatsApp phone number id, Slack
   * team, X user, LinkedIn organization, sending number or address, web chat site.
   */
  platformAccountId: string;
}

/** Why a webhook delivery was refused (the ingestion endpoint counts each). */
export const WEBHOOK_REFUSALS = [
  'missing_signature',
  'bad_signature',
  'stale_timestamp',
  'malformed',
] as const;
export type WebhookRefusalReason = (typeof WEBHOOK_REFUSALS)[number];

export type WebhookVerification =
  { verified: true } | { verified: false; reason: WebhookRefusalReason; message: string };

/** Request headers, names in lower case (Node's `IncomingMessage.headers`). */
export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** A payload that is not the platform's webhook shape. */
export class ChannelPayloadError extends Error {
  readonly reason = 'malformed';
  constructor(message: string) {
    super(message);
    this.name = 'ChannelPayloadError';
  }
}

/** A send the platform refused or that could not reach it. */
export class ChannelSendError extends Error {
  constructor(
    message: string,
    /** The platform's HTTP status (null: it could not be reached). */
    readonly status: number | null,
    /** Worth trying again later (unreachable, 429, 5xx); a 4xx refusal is not. */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ChannelSendError';
  }
}

/** What a handshake is recognized from. */
export interface HandshakeRequest {
  method: string;
  query: URLSearchParams;
  /** The body of a POST (null for a GET). */
  rawBody: Buffer | null;
}

/** The answer to a platform's endpoint check. */
export interface HandshakeAnswer {
  status: number;
  contentType: 'text/plain' | 'application/json';
  body: string;
}

/** One platform's specifics behind one interface. */
export interface ChannelAdapter {
  readonly platform: ChannelPlatform;
  /** The header the platform's signature comes in (lower case). */
  readonly signatureHeader: string;
  /**
   * Checks the platform's signature over the raw body with the account's secret, at `now` (for the
   * schemes with a timestamp). Never throws.
   */
  verify(rawBody: Buffer, headers: WebhookHeaders, secret: string, now: Date): WebhookVerification;
  /**
   * The messages customers sent in a (verified) payload, in the payload's order; events that are not
   * inbound messages (echoes of our sends, deliveries, reads) are left out. Throws `ChannelPayloadError`.
   */
  parse(rawBody: Buffer): NormalizedInbound[];
  /**
   * The platform's endpoint check, when the request is one (Meta's `GET ?hub.mode=subscribe`, X's
   * `GET ?crc_token=`, Slack's signed `url_verification`): what to answer; null for any other request.
   * `secret` is the account's webhook secret (Meta's verify token is the same secret).
   */
  handshake(request: HandshakeRequest, secret: string): HandshakeAnswer | null;
  /** Sends through the platform's API. Throws `ChannelSendError`. */
  send(credentials: AccountCredentials, message: OutboundMessage): Promise<SendResult>;
}
