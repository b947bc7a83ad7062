/**
 * The platforms' endpoint checks, answered before any message arrives:
 * - Meta: `GET ?hub.mode=subscribe&hub.verify_token=<token>&hub.challenge=<c>` → `c` as text when the
 *   token is the account's (403 otherwise);
 * - X (CRC): `GET ?crc_token=<t>` → `{ "response_token": "sha256=<base64 HMAC-SHA256(consumer secret, t)>" }`
 *   (repeated hourly by X to keep the webhook valid);
 * - Slack: a signed `POST { "type": "url_verification", "challenge": "<c>" }` → `c` as text (the
 *   signature is checked by the route like any delivery's, before this).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { HandshakeAnswer, HandshakeRequest } from '../domain/channel';
import { slackChallenge } from './platforms/slack';

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function metaHandshake(request: HandshakeRequest, secret: string): HandshakeAnswer | null {
  if (request.method !== 'GET' || request.query.get('hub.mode') !== 'subscribe') return null;
  const challenge = request.query.get('hub.challenge');
  const token = request.query.get('hub.verify_token') ?? '';
  if (challenge === null || !sameText(token, secret)) {
    return { status: 403, contentType: 'text/plain', body: 'verify token mismatch' };
  }
  return { status: 200, contentType: 'text/plain', body: challenge };
}

/** X's answer to a CRC token. */
export function twitterCrcResponse(crcToken: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(crcToken).digest('base64')}`;
}

export function twitterHandshake(request: HandshakeRequest, secret: string): HandshakeAnswer | null {
  const token = request.query.get('crc_token');
  if (request.method !== 'GET' || token === null) return null;
  return {
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({ response_token: twitterCrcResponse(token, secret) }),
  };
}

export function slackHandshake(request: HandshakeRequest): HandshakeAnswer | null {
  if (request.method !== 'POST' || request.rawBody === null) return null;
  const challenge = slackChallenge(request.rawBody);
  return challenge === null ? null : { status: 200, contentType: 'text/plain', body: challenge };
}

export function noHandshake(): HandshakeAnswer | null {
  return null;
}
