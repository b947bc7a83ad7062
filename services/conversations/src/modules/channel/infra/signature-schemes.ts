/**
 * The platforms' webhook signature schemes, each as the platform does it, with its signing side (the
 * simulator signs with it) and its checking side (timing-safe). All are HMAC-SHA256 keyed with the
 * account's app / signing / consumer secret over the raw body (never a re-serialized one).
 *
 * | scheme      | header                                   | signed                         | encoding         | tolerance |
 * | meta        | X-Hub-Signature-256: sha256=<sig>        | body                           | hex              | none      |
 * | slack       | X-Slack-Signature: v0=<sig>              | "v0:" + timestamp + ":" + body | hex              | 5 min     |
 * |             | X-Slack-Request-Timestamp: <unix s>      |                                |                  |           |
 * | twitter     | X-Twitter-Webhooks-Signature: sha256=<s> | body                           | base64           | none      |
 * | linkedin    | X-LI-Signature: <sig>                    | body                           | hex              | none      |
 * | timestamped | X-Channel-Signature: t=<unix s>,v1=<sig> | timestamp + "." + body         | hex              | 5 min     |
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookHeaders, WebhookVerification } from '../domain/channel';

export const SIGNATURE_SCHEMES = ['meta', 'slack', 'twitter', 'linkedin', 'timestamped'] as const;
export type SignatureSchemeName = (typeof SIGNATURE_SCHEMES)[number];

/** How far a signed timestamp may be from now (Slack's five minutes; the same for ours). */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;

export interface SignatureScheme {
  readonly name: SignatureSchemeName;
  /** The header carrying the signature (lower case). */
  readonly header: string;
  /** The headers a platform sends with `rawBody` signed with `secret` at `now`. */
  sign(rawBody: Buffer, secret: string, now: Date): Record<string, string>;
  verify(rawBody: Buffer, headers: WebhookHeaders, secret: string, now: Date): WebhookVerification;
}

const VERIFIED: WebhookVerification = { verified: true };

function refuse(
  reason: 'missing_signature' | 'bad_signature' | 'stale_timestamp',
  message: string,
): WebhookVerification {
  return { verified: false, reason, message };
}

function hmac(secret: string, ...parts: Array<string | Buffer>): Buffer {
  const mac = createHmac('sha256', secret);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** One header's value (a repeated header: its first value). */
export function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  const first = typeof value === 'string' ? value : value?.[0];
  const trimmed = first?.trim();
  return trimmed ? trimmed : undefined;
}

/** Constant time for equal lengths; a wrong length is refused at once (it tells nothing of the key). */
function sameDigest(given: Buffer, expected: Buffer): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const HEX_SHA256 = /^[0-9a-f]{64}$/i;
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function staleness(timestamp: number, now: Date): WebhookVerification | null {
  const age = Math.abs(unixSeconds(now) - timestamp);
  return age > TIMESTAMP_TOLERANCE_SECONDS
    ? refuse(
        'stale_timestamp',
        `the signed timestamp is ${age} s away from now (at most ${TIMESTAMP_TOLERANCE_SECONDS} s)`,
      )
    : null;
}

/** A prefixed body signature (`<prefix><digest>`), no timestamp: Meta, X and LinkedIn. */
function bodyScheme(options: {
  name: 'meta' | 'twitter' | 'linkedin';
  header: string;
  prefix: string;
  /** Also accepted on input (LinkedIn has sent its digest with and without `hmacsha256=`). */
  alternatePrefixes?: string[];
  encoding: 'hex' | 'base64';
}): SignatureScheme {
  const { header, prefix, encoding } = options;
  const pattern = encoding === 'hex' ? HEX_SHA256 : BASE64_SHA256;
  const prefixes = [prefix, ...(options.alternatePrefixes ?? [])].sort((a, b) => b.length - a.length);
  return {
    name: options.name,
    header,
    sign: (rawBody, secret) => ({ [header]: `${prefix}${hmac(secret, rawBody).toString(encoding)}` }),
    verify: (rawBody, headers, secret) => {
      const value = headerValue(headers, header);
      if (value === undefined) return refuse('missing_signature', `no ${header} header`);
      const used = prefixes.find((candidate) => value.startsWith(candidate));
      const digest = used === undefined ? null : value.slice(used.length);
      if (digest === null || !pattern.test(digest)) {
        return refuse('bad_signature', `${header} is not ${prefix}<${encoding} HMAC-SHA256>`);
      }
      return sameDigest(Buffer.from(digest, encoding), hmac(secret, rawBody))
        ? VERIFIED
        : refuse('bad_signature', 'the signature does not match the body');
    },
  };
}

/** Meta (Facebook, Instagram, WhatsApp): `X-Hub-Signature-256: sha256=<hex>` with the app secret. */
export const metaSignature = bodyScheme({
  name: 'meta',
  header: 'x-hub-signature-256',
  prefix: 'sha256=',
  encoding: 'hex',
});

/** X (Account Activity API): `X-Twitter-Webhooks-Signature: sha256=<base64>` with the consumer secret. */
export const twitterSignature = bodyScheme({
  name: 'twitter',
  header: 'x-twitter-webhooks-signature',
  prefix: 'sha256=',
  encoding: 'base64',
});

/** LinkedIn: `X-LI-Signature: <hex>` with the app's client secret (`hmacsha256=<hex>` accepted too). */
export const linkedinSignature = bodyScheme({
  name: 'linkedin',
  header: 'x-li-signature',
  prefix: '',
  alternatePrefixes: ['hmacsha256='],
  encoding: 'hex',
});

const SLACK_SIGNATURE = 'x-slack-signature';
const SLACK_TIMESTAMP = 'x-slack-request-timestamp';

/**
 * Slack: `X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:<timestamp>:<body>")>` and
 * `X-Slack-Request-Timestamp: <unix seconds>`; a timestamp more than five minutes away is refused
 * (Slack's own advice against replays).
 */
export const slackSignature: SignatureScheme = {
  name: 'slack',
  header: SLACK_SIGNATURE,
  sign: (rawBody, secret, now) => {
    const timestamp = String(unixSeconds(now));
    return {
      [SLACK_TIMESTAMP]: timestamp,
      [SLACK_SIGNATURE]: `v0=${hmac(secret, `v0:${timestamp}:`, rawBody).toString('hex')}`,
    };
  },
  verify: (rawBody, headers, secret, now) => {
    const value = headerValue(headers, SLACK_SIGNATURE);
    const timestamp = headerValue(headers, SLACK_TIMESTAMP);
    if (value === undefined) return refuse('missing_signature', `no ${SLACK_SIGNATURE} header`);
    if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) {
      return refuse('missing_signature', `no ${SLACK_TIMESTAMP} header of unix seconds`);
    }
    const digest = value.startsWith('v0=') ? value.slice(3) : '';
    if (!HEX_SHA256.test(digest)) return refuse('bad_signature', `${SLACK_SIGNATURE} is not v0=<hex>`);
    // The signature is checked first: a stale refusal must not be had for an unsigned timestamp.
    if (!sameDigest(Buffer.from(digest, 'hex'), hmac(secret, `v0:${timestamp}:`, rawBody))) {
      return refuse('bad_signature', 'the signature does not match the body and timestamp');
    }
    return staleness(Number(timestamp), now) ?? VERIFIED;
  },
};

const CHANNEL_SIGNATURE = 'x-channel-signature';

/**
 * Ours, for the channels whose gateways have no common scheme (SMS, email, Gmail, web chat):
 * `X-Channel-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, five minutes'
 * tolerance — billing's local payment provider's scheme. The timestamp is signed with the body, so a
 * captured delivery cannot be replayed later; several `v1=` may be given while a secret is rotated.
 */
export const timestampedSignature: SignatureScheme = {
  name: 'timestamped',
  header: CHANNEL_SIGNATURE,
  sign: (rawBody, secret, now) => {
    const timestamp = unixSeconds(now);
    return {
      [CHANNEL_SIGNATURE]: `t=${timestamp},v1=${hmac(secret, `${timestamp}.`, rawBody).toString('hex')}`,
    };
  },
  verify: (rawBody, headers, secret, now) => {
    const value = headerValue(headers, CHANNEL_SIGNATURE);
    if (value === undefined) return refuse('missing_signature', `no ${CHANNEL_SIGNATURE} header`);
    let timestamp: number | null = null;
    const signatures: Buffer[] = [];
    for (const part of value.split(',')) {
      const separator = part.indexOf('=');
      const key = part.slice(0, separator).trim();
      const given = part.slice(separator + 1).trim();
      if (key === 't' && /^\d{1,12}$/.test(given)) timestamp = Number(given);
      if (key === 'v1' && HEX_SHA256.test(given)) signatures.push(Buffer.from(given, 'hex'));
    }
    if (timestamp === null || signatures.length === 0) {
      return refuse('bad_signature', `${CHANNEL_SIGNATURE} needs t=<unix seconds> and v1=<hex>`);
    }
    const expected = hmac(secret, `${timestamp}.`, rawBody);
    // Every candidate is compared (no early exit): the time taken tells nothing of which matched.
    const matched = signatures.reduce((found, signature) => sameDigest(signature, expected) || found, false);
    if (!matched) return refuse('bad_signature', 'no signature matches the body and timestamp');
    return staleness(timestamp, now) ?? VERIFIED;
  },
};
