/**
 * The local platform simulator: a real HTTP server standing in for every platform's API in development
 * and tests. It receives sends on each platform's send endpoint (recording them and answering with a
 * platform message id in the platform's shape), refreshes OAuth tokens (`POST /oauth/token`,
 * `grant_type=refresh_token`), and emits webhooks like the platforms do: `emit` builds the platform's
 * payload, signs it with the account's secret by the platform's scheme and POSTs it to a webhook URL.
 * State lives in memory.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  AttachmentMetadata,
  ChannelPlatform,
  InboundSender,
  NormalizedInbound,
} from '../../domain/channel';
import { PLATFORM_SPECS } from '../adapters';
import { twitterCrcResponse } from '../handshakes';
import { slackSignature } from '../signature-schemes';

export interface PlatformSimulatorOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Lifetime of the access tokens the token endpoint issues (default 3600 s). */
  accessTokenTtlSeconds?: number;
}

/** One send the simulator received. */
export interface RecordedSend {
  /** The send API used: messenger (facebook, instagram), whatsapp, slack, twitter, linkedin, sms, email, gmail, chat. */
  api: string;
  path: string;
  /** The bearer token presented. */
  accessToken: string | null;
  /** The account in the path or body, where the API names it. */
  platformAccountId: string | null;
  platformConversationId: string;
  text: string;
  replyTo: string | null;
  /** The id the simulator answered with. */
  platformMessageId: string;
  body: unknown;
  receivedAt: Date;
}

/** One message to emit; ids and times are made up when not given. */
export interface EmittedMessage {
  platformMessageId?: string;
  sentAt?: Date;
  text: string;
  sender?: Partial<InboundSender>;
  attachments?: AttachmentMetadata[];
  /** The thread (default: the sender's id, as on the social platforms). */
  conversation?: string;
}

export interface EmitTarget {
  /** Where the platform delivers (the account's ingestion endpoint). */
  url: string;
  /** The account's app / signing secret the payload is signed with. */
  secret: string;
  /** The account's id on the platform (the page, team, number, mailbox…). */
  account: string;
  /** When the signature says it was signed (default now): a past time makes a stale delivery. */
  signedAt?: Date;
}

/** One payload carrying several messages, or one message given inline. */
export type EmitOptions = EmitTarget & ({ messages: EmittedMessage[] } | EmittedMessage);

export interface WebhookDelivery {
  status: number;
  /** The receiver's answer. */
  responseBody: string;
  /** What was sent, to deliver again or tamper with. */
  rawBody: Buffer;
  headers: Record<string, string>;
  /** The messages as the receiver should normalize them. */
  messages: NormalizedInbound[];
  /** Delivers the same bytes with the same headers again (as platforms retry); returns the status. */
  redeliver(): Promise<number>;
}

export interface HandshakeResult {
  /** The endpoint answered the check as the platform expects. */
  passed: boolean;
  status: number;
  responseBody: string;
}

export interface PlatformSimulator {
  /** The base URL (`http://127.0.0.1:<port>`): every platform's API base URL in tests. */
  readonly url: string;
  /** Sends received so far, oldest first. */
  sends(): RecordedSend[];
  /** Builds the platform's webhook, signs it and POSTs it to `options.url`. */
  emit(platform: ChannelPlatform, options: EmitOptions): Promise<WebhookDelivery>;
  /**
   * The platform's endpoint check against `url` (Meta's verify-token GET, X's CRC GET, Slack's signed
   * url_verification): whether the endpoint answered it right. Null for platforms without one.
   */
  handshake(
    platform: ChannelPlatform,
    target: { url: string; secret: string },
  ): Promise<HandshakeResult | null>;
  /** A refresh token the token endpoint accepts (issued for an account being connected). */
  issueRefreshToken(): string;
  /** From now on the refresh token is refused (`invalid_grant`), as when a user revokes access. */
  revokeRefreshToken(token: string): void;
  /** From now on sends with this access token are refused with 401. */
  revokeAccessToken(token: string): void;
  /** The next `count` sends are answered `status` (429 or 5xx: a platform outage) and not recorded. */
  failNextSends(count: number, status: number): void;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

function record(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value));
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

interface SendRoute {
  api: string;
  pattern: RegExp;
  /** The thread, text, reply and account of a request, or null when the body is not a send. */
  read(
    body: Record<string, unknown>,
    match: RegExpMatchArray,
  ): Omit<RecordedSend, 'api' | 'path' | 'accessToken' | 'platformMessageId' | 'body' | 'receivedAt'> | null;
  answer(id: string, send: RecordedSend): unknown;
  id(): string;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

const SEND_ROUTES: SendRoute[] = [
  {
    api: 'graph',
    pattern: /^\/v\d+\.\d+\/([^/]+)\/messages$/,
    read: (body, match) => {
      if (body.messaging_product === 'whatsapp') {
        const to = text(body.to);
        const message = text(record(body.text).body);
        if (to === null || message === null) return null;
        return {
          platformAccountId: match[1] ?? null,
          platformConversationId: to,
          text: message,
          replyTo: text(record(body.context).message_id),
        };
      }
      const recipient = text(record(body.recipient).id);
      const message = text(record(body.message).text);
      if (recipient === null || message === null) return null;
      return {
        platformAccountId: match[1] ?? null,
        platformConversationId: recipient,
        text: message,
        replyTo: text(record(body.reply_to).mid),
      };
    },
    answer: (id, send) =>
      send.api === 'whatsapp'
        ? {
            messaging_product: 'whatsapp',
            contacts: [{ wa_id: send.platformConversationId }],
            messages: [{ id }],
          }
        : { recipient_id: send.platformConversationId, message_id: id },
    id: () => `m_${hex(12)}`,
  },
  {
    api: 'slack',
    pattern: /^\/api\/chat\.postMessage$/,
    read: (body) => {
      const channel = text(body.channel);
      const message = text(body.text);
      if (channel === null || message === null) return null;
      return {
        platformAccountId: null,
        platformConversationId: channel,
        text: message,
        replyTo: text(body.thread_ts),
      };
    },
    answer: (id, send) => ({ ok: true, channel: send.platformConversationId, ts: id }),
    id: () => {
      const now = Date.now();
      return `${Math.floor(now / 1000)}.${String((now % 1000) * 1000 + Math.floor(Math.random() * 1000)).padStart(6, '0')}`;
    },
  },
  {
    api: 'twitter',
    pattern: /^\/2\/dm_conversations\/with\/([^/]+)\/messages$/,
    read: (body, match) => {
      const message = text(body.text);
      const participant = match[1];
      if (message === null || participant === undefined) return null;
      return {
        platformAccountId: null,
        platformConversationId: decodeURIComponent(participant),
        text: message,
        replyTo: null,
      };
    },
    answer: (id, send) => ({
      data: { dm_conversation_id: `dm-${send.platformConversationId}`, dm_event_id: id },
    }),
    id: () => String(10n ** 18n + BigInt(`0x${hex(6)}`)),
  },
  {
    api: 'linkedin',
    pattern: /^\/rest\/messages$/,
    read: (body) => {
      const thread = text(body.thread);
      const message = text(record(body.body).text);
      if (thread === null || message === null) return null;
      return {
        platformAccountId: text(body.author),
        platformConversationId: thread,
        text: message,
        replyTo: null,
      };
    },
    answer: (id) => ({ id }),
    id: () => `urn:li:message:${hex(10)}`,
  },
  {
    api: 'sms',
    pattern: /^\/sms\/v1\/messages$/,
    read: (body) => {
      const to = text(body.to);
      const message = text(body.body);
      if (to === null || message === null) return null;
      return { platformAccountId: text(body.from), platformConversationId: to, text: message, replyTo: null };
    },
    answer: (id) => ({ id, status: 'queued' }),
    id: () => `SM${hex(16)}`,
  },
  ...(['email', 'gmail'] as const).map((api): SendRoute => ({
    api,
    pattern: api === 'gmail' ? /^\/gmail\/v1\/users\/me\/messages\/send$/ : /^\/email\/v1\/messages$/,
    read: (body) => {
      const thread = text(body.threadId);
      const message = text(body.text);
      if (thread === null || message === null) return null;
      return {
        platformAccountId: text(body.from),
        platformConversationId: thread,
        text: message,
        replyTo: text(body.inReplyTo),
      };
    },
    answer: (id, send) => ({ id, threadId: send.platformConversationId }),
    id: () => `<${hex(10)}@simulator.local>`,
  })),
  {
    api: 'chat',
    pattern: /^\/chat\/v1\/sessions\/([^/]+)\/messages$/,
    read: (body, match) => {
      const message = text(body.text);
      const session = match[1];
      if (message === null || session === undefined) return null;
      return {
        platformAccountId: text(body.site),
        platformConversationId: decodeURIComponent(session),
        text: message,
        replyTo: null,
      };
    },
    answer: (id) => ({ id }),
    id: () => `chat_${hex(10)}`,
  },
];

function bearer(request: IncomingMessage): string | null {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer (.+)$/.exec(header) : null;
  return match?.[1] ?? null;
}

/** The token endpoint's parameters: form-encoded (OAuth's way) or JSON. */
function tokenParameters(request: IncomingMessage, body: Buffer): Record<string, string> {
  const type = request.headers['content-type'] ?? '';
  if (type.includes('application/json')) {
    try {
      const parsed = record(JSON.parse(body.toString('utf8')));
      return Object.fromEntries(
        Object.entries(parsed).flatMap(([key, value]) => (typeof value === 'string' ? [[key, value]] : [])),
      );
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
}

/** Slack's message ids: `<channel>:<seconds>.<microseconds>`. */
const SLACK_ID = /^[^:]+:\d{1,12}\.\d{6}$/;

/**
 * The message as the platform will carry it: missing ids, threads, senders and times made up, times
 * at the platform's precision (WhatsApp: seconds), and what the platform implies about the sender
 * (an email address, a phone number) filled in.
 */
function withDefaults(platform: ChannelPlatform, message: EmittedMessage, index: number): NormalizedInbound {
  const base = message.sentAt ?? new Date(Math.floor(Date.now() / 1000) * 1000 + index * 1000);
  const sentAt = platform === 'whatsapp' ? new Date(Math.floor(base.getTime() / 1000) * 1000) : base;
  const userId =
    message.sender?.platformUserId ??
    (platform === 'email' || platform === 'gmail'
      ? `customer-${hex(4)}@example.com`
      : platform === 'sms' || platform === 'whatsapp'
        ? `1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`
        : platform === 'linkedin'
          ? `urn:li:person:${hex(6)}`
          : `U${hex(6)}`);
  const conversation = message.conversation ?? (platform === 'slack' ? `D${hex(5)}` : userId);
  const millis = sentAt.getTime();
  const id =
    message.platformMessageId ??
    (platform === 'slack'
      ? `${conversation}:${Math.floor(millis / 1000)}.${String((millis % 1000) * 1000).padStart(6, '0')}`
      : `${platform}-${randomUUID()}`);
  if (platform === 'slack' && !SLACK_ID.test(id)) {
    throw new Error(`a Slack message id is <channel>:<ts> (${id})`);
  }
  const email = platform === 'email' || platform === 'gmail' ? userId.toLowerCase() : null;
  const phone = platform === 'sms' ? userId : platform === 'whatsapp' ? `+${userId}` : null;
  return {
    platformMessageId: id,
    platformConversationId: conversation,
    sender: {
      platformUserId: email ?? userId,
      displayName: message.sender?.displayName ?? null,
      handle: message.sender?.handle ?? null,
      email: email ?? message.sender?.email ?? null,
      phone: phone ?? message.sender?.phone ?? null,
    },
    text: message.text,
    attachments: message.attachments ?? [],
    sentAt,
  };
}

async function post(
  url: string,
  rawBody: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: rawBody,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.text() };
}

export async function startPlatformSimulator(
  options: PlatformSimulatorOptions = {},
): Promise<PlatformSimulator> {
  const sent: RecordedSend[] = [];
  const refreshTokens = new Set<string>();
  const revokedAccess = new Set<string>();
  const failures = { count: 0, status: 503 };
  const ttl = options.accessTokenTtlSeconds ?? 3600;

  const issueRefreshToken = () => {
    const token = `rt_${hex(16)}`;
    refreshTokens.add(token);
    return token;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://simulator').pathname;
    const body = await readBody(request);
    if (request.method !== 'POST') return json(response, 405, { error: 'method_not_allowed' });
    if (path === '/oauth/token') {
      const parameters = tokenParameters(request, body);
      if (parameters.grant_type !== 'refresh_token')
        return json(response, 400, { error: 'unsupported_grant_type' });
      const token = parameters.refresh_token;
      if (token === undefined || !refreshTokens.has(token)) {
        return json(response, 400, {
          error: 'invalid_grant',
          error_description: 'the refresh token is not valid',
        });
      }
      // Rotated, as most platforms do: the old refresh token is spent.
      refreshTokens.delete(token);
      return json(response, 200, {
        access_token: `at_${hex(16)}`,
        refresh_token: issueRefreshToken(),
        token_type: 'bearer',
        expires_in: ttl,
      });
    }
    for (const route of SEND_ROUTES) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      if (failures.count > 0) {
        failures.count -= 1;
        return json(response, failures.status, { error: { message: 'simulated platform failure' } });
      }
      const token = bearer(request);
      if (token === null || revokedAccess.has(token)) {
        return json(response, 401, { error: { message: 'invalid or revoked access token', code: 190 } });
      }
      let parsed: Record<string, unknown>;
      try {
        parsed = record(JSON.parse(body.toString('utf8')));
      } catch {
        return json(response, 400, { error: { message: 'the body is not JSON' } });
      }
      const fields = route.read(parsed, match);
      if (fields === null) return json(response, 400, { error: { message: 'not a send request' } });
      const api =
        route.api === 'graph'
          ? parsed.messaging_product === 'whatsapp'
            ? 'whatsapp'
            : 'messenger'
          : route.api;
      const send: RecordedSend = {
        ...fields,
        api,
        path,
        accessToken: token,
        platformMessageId: route.id(),
        body: parsed,
        receivedAt: new Date(),
      };
      sent.push(send);
      return json(response, 200, route.answer(send.platformMessageId, send));
    }
    return json(response, 404, { error: { message: `no endpoint ${path}` } });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) json(response, 500, { error: { message: 'simulator failure' } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address: AddressInfo | string | null = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;

  return {
    url,
    sends: () => [...sent],
    issueRefreshToken,
    revokeRefreshToken: (token) => refreshTokens.delete(token),
    revokeAccessToken: (token) => revokedAccess.add(token),
    failNextSends: (count, status) => {
      failures.count = count;
      failures.status = status;
    },
    handshake: async (platform, target) => {
      const challenge = hex(12);
      if (platform === 'facebook' || platform === 'instagram' || platform === 'whatsapp') {
        const url = new URL(target.url);
        url.searchParams.set('hub.mode', 'subscribe');
        url.searchParams.set('hub.verify_token', target.secret);
        url.searchParams.set('hub.challenge', challenge);
        const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
        const body = await response.text();
        return {
          passed: response.status === 200 && body === challenge,
          status: response.status,
          responseBody: body,
        };
      }
      if (platform === 'twitter') {
        const url = new URL(target.url);
        url.searchParams.set('crc_token', challenge);
        const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
        const body = await response.text();
        let token: unknown = null;
        try {
          token = record(JSON.parse(body)).response_token;
        } catch {
          token = null;
        }
        return {
          passed: response.status === 200 && token === twitterCrcResponse(challenge, target.secret),
          status: response.status,
          responseBody: body,
        };
      }
      if (platform === 'slack') {
        const rawBody = Buffer.from(JSON.stringify({ type: 'url_verification', token: 'legacy', challenge }));
        const headers = {
          'content-type': 'application/json',
          ...slackSignature.sign(rawBody, target.secret, new Date()),
        };
        const answer = await post(target.url, rawBody, headers);
        return {
          passed: answer.status === 200 && answer.body === challenge,
          status: answer.status,
          responseBody: answer.body,
        };
      }
      return null;
    },
    emit: async (platform, emit) => {
      const spec = PLATFORM_SPECS[platform];
      const emitted = 'messages' in emit ? emit.messages : [emit];
      const messages = emitted.map((message, index) => withDefaults(platform, message, index));
      const rawBody = Buffer.from(JSON.stringify(spec.build(emit.account, messages, `Ev${hex(8)}`)));
      const headers = {
        'content-type': 'application/json',
        'user-agent': `platform-simulator/${platform}`,
        ...spec.scheme.sign(rawBody, emit.secret, emit.signedAt ?? new Date()),
      };
      const first = await post(emit.url, rawBody, headers);
      return {
        status: first.status,
        responseBody: first.body,
        rawBody,
        headers,
        messages,
        redeliver: async () => (await post(emit.url, rawBody, headers)).status,
      };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
