import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookSignatureError } from '../domain/payment-provider';

/**
 * The webhook signature scheme of the local payment provider (the major providers' scheme): the header
 * `Local-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the webhook secret>`.
 * The timestamp is signed with the body, so a captured delivery cannot be replayed once it is older than
 * the tolerance; several `v1=` may be given (while a secret is rotated) and any one may match.
 */
export const SIGNATURE_HEADER = 'local-signature';

/** How old (or how far ahead) a signature's timestamp may be: the providers' usual five minutes. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

function hmac(secret: string, timestamp: number, body: Buffer | string): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

/** The header value for `body` signed at `timestamp` (unix seconds). */
export function signatureHeader(secret: string, timestamp: number, body: Buffer | string): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, body).toString('hex')}`;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/**
 * Checks `header` against the raw body; throws `WebhookSignatureError` (missing, mismatch or stale)
 * unless one `v1` signature matches and the timestamp is within `toleranceSeconds` of `now`.
 */
export function verifySignature(options: {
  header: string | undefined;
  body: Buffer;
  secret: string;
  now: Date;
  toleranceSeconds: number;
}): void {
  const { header } = options;
  if (header === undefined || header.trim() === '') {
    throw new WebhookSignatureError(`no ${SIGNATURE_HEADER} header`, 'missing');
  }
  let timestamp: number | null = null;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && HEX_SHA256.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === null || signatures.length === 0) {
    throw new WebhookSignatureError(`${SIGNATURE_HEADER} needs t=<unix seconds> and v1=<hex>`, 'missing');
  }
  const expected = hmac(options.secret, timestamp, options.body);
  // Compared in constant time (all signatures, equal lengths by the pattern above): how far a guess
  // matched must not show in how long the refusal took.
  const matched = signatures.reduce(
    (found, signature) => timingSafeEqual(signature, expected) || found,
    false,
  );
  if (!matched) throw new WebhookSignatureError('no signature matches the body', 'mismatch');
  const age = Math.abs(Math.floor(options.now.getTime() / 1000) - timestamp);
  if (age > options.toleranceSeconds) {
    throw new WebhookSignatureError(
      `the signature's timestamp is ${age} s away from now (at most ${options.toleranceSeconds} s)`,
      'stale',
    );
  }
}
