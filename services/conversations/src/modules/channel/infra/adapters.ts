/**
 * The adapter registry: one `ChannelAdapter` per platform, each made of its signature scheme, its payload
 * mapping and its send API (see `platforms/*`). Sends go to the platform's API base URL, configurable per
 * platform; tests point every platform at the local platform simulator.
 */
import {
  CHANNEL_PLATFORMS,
  type AccountCredentials,
  type ChannelAdapter,
  type ChannelPlatform,
  type HandshakeAnswer,
  type HandshakeRequest,
  type NormalizedInbound,
  type OutboundMessage,
  type SendResult,
} from '../domain/channel';
import { metaHandshake, noHandshake, slackHandshake, twitterHandshake } from './handshakes';
import { buildChat, parseChat, sendChat } from './platforms/chat';
import { buildEmail, emailSender, parseEmail } from './platforms/email';
import { buildLinkedin, parseLinkedin, sendLinkedin } from './platforms/linkedin';
import {
  buildMessenger,
  buildWhatsapp,
  parseMessenger,
  parseWhatsapp,
  sendMessenger,
  sendWhatsapp,
} from './platforms/meta';
import { buildSlack, parseSlack, sendSlack } from './platforms/slack';
import { buildSms, parseSms, sendSms } from './platforms/sms';
import { buildTwitter, parseTwitter, sendTwitter } from './platforms/twitter';
import {
  linkedinSignature,
  metaSignature,
  slackSignature,
  timestampedSignature,
  twitterSignature,
  type SignatureScheme,
} from './signature-schemes';

/** Everything platform-specific about one platform. */
export interface PlatformSpec {
  readonly scheme: SignatureScheme;
  parse(rawBody: Buffer): NormalizedInbound[];
  /**
   * The platform's webhook payload carrying `messages` received by account `account` (the simulator
   * emits it; Slack carries one message per delivery).
   */
  build(account: string, messages: readonly NormalizedInbound[], deliveryId: string): unknown;
  send(apiBaseUrl: string, credentials: AccountCredentials, message: OutboundMessage): Promise<SendResult>;
  handshake(request: HandshakeRequest, secret: string): HandshakeAnswer | null;
}

function oneSlackMessage(
  account: string,
  messages: readonly NormalizedInbound[],
  deliveryId: string,
): unknown {
  const [message, ...others] = messages;
  if (!message || others.length > 0) throw new Error('a Slack event carries exactly one message');
  return buildSlack(account, message, deliveryId);
}

export const PLATFORM_SPECS: Readonly<Record<ChannelPlatform, PlatformSpec>> = {
  facebook: {
    scheme: metaSignature,
    parse: (rawBody) => parseMessenger('page', rawBody),
    build: (account, messages) => buildMessenger('page', account, messages),
    send: sendMessenger,
    handshake: metaHandshake,
  },
  instagram: {
    scheme: metaSignature,
    parse: (rawBody) => parseMessenger('instagram', rawBody),
    build: (account, messages) => buildMessenger('instagram', account, messages),
    send: sendMessenger,
    handshake: metaHandshake,
  },
  whatsapp: {
    scheme: metaSignature,
    parse: parseWhatsapp,
    build: buildWhatsapp,
    send: sendWhatsapp,
    handshake: metaHandshake,
  },
  twitter: {
    scheme: twitterSignature,
    parse: parseTwitter,
    build: buildTwitter,
    send: sendTwitter,
    handshake: twitterHandshake,
  },
  linkedin: {
    scheme: linkedinSignature,
    parse: parseLinkedin,
    build: buildLinkedin,
    send: sendLinkedin,
    handshake: noHandshake,
  },
  slack: {
    scheme: slackSignature,
    parse: parseSlack,
    build: oneSlackMessage,
    send: sendSlack,
    handshake: slackHandshake,
  },
  sms: {
    scheme: timestampedSignature,
    parse: parseSms,
    build: buildSms,
    send: sendSms,
    handshake: noHandshake,
  },
  email: {
    scheme: timestampedSignature,
    parse: parseEmail,
    build: buildEmail,
    send: emailSender(false),
    handshake: noHandshake,
  },
  gmail: {
    scheme: timestampedSignature,
    parse: parseEmail,
    build: buildEmail,
    send: emailSender(true),
    handshake: noHandshake,
  },
  chat: {
    scheme: timestampedSignature,
    parse: parseChat,
    build: buildChat,
    send: sendChat,
    handshake: noHandshake,
  },
};

export interface ChannelAdapterOptions {
  /** Where every platform's API is (the local platform simulator's URL in development and tests). */
  defaultApiBaseUrl: string;
  /** Per-platform API base URLs (a real platform's), over the default. */
  apiBaseUrls?: Partial<Record<ChannelPlatform, string>>;
}

export function channelAdapter(platform: ChannelPlatform, apiBaseUrl: string): ChannelAdapter {
  const spec = PLATFORM_SPECS[platform];
  return {
    platform,
    signatureHeader: spec.scheme.header,
    verify: (rawBody, headers, secret, now) => spec.scheme.verify(rawBody, headers, secret, now),
    parse: (rawBody) => spec.parse(rawBody),
    handshake: (request, secret) => spec.handshake(request, secret),
    send: (credentials, message) => spec.send(apiBaseUrl, credentials, message),
  };
}

export interface ChannelAdapters {
  adapterFor(platform: ChannelPlatform): ChannelAdapter;
}

/** The adapters of every platform, sending to the configured API base URLs. */
export function channelAdapters(options: ChannelAdapterOptions): ChannelAdapters {
  const adapters = new Map<ChannelPlatform, ChannelAdapter>(
    CHANNEL_PLATFORMS.map((platform) => [
      platform,
      channelAdapter(platform, options.apiBaseUrls?.[platform] ?? options.defaultApiBaseUrl),
    ]),
  );
  return {
    adapterFor: (platform) => adapters.get(platform) ?? channelAdapter(platform, options.defaultApiBaseUrl),
  };
}

/** The settings naming the platforms' API base URLs. */
export const CHANNEL_API_BASE_URL_SETTING = 'CHANNELS_API_BASE_URL';

/** `CHANNELS_<PLATFORM>_API_BASE_URL`, e.g. `CHANNELS_WHATSAPP_API_BASE_URL`. */
export function platformApiBaseUrlSetting(platform: ChannelPlatform): string {
  return `CHANNELS_${platform.toUpperCase()}_API_BASE_URL`;
}

/**
 * The per-platform API base URLs set in `environment` (`CHANNELS_<PLATFORM>_API_BASE_URL`), and the
 * default for the others (`CHANNELS_API_BASE_URL`; null when unset: start the simulator and use its URL).
 */
export function channelApiBaseUrlsFrom(environment: Readonly<Record<string, string | undefined>>): {
  defaultApiBaseUrl: string | null;
  apiBaseUrls: Partial<Record<ChannelPlatform, string>>;
} {
  const apiBaseUrls: Partial<Record<ChannelPlatform, string>> = {};
  for (const platform of CHANNEL_PLATFORMS) {
    const value = environment[platformApiBaseUrlSetting(platform)]?.trim();
    if (value) apiBaseUrls[platform] = value;
  }
  return { defaultApiBaseUrl: environment[CHANNEL_API_BASE_URL_SETTING]?.trim() || null, apiBaseUrls };
}
