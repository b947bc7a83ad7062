/** What the platform files share: JSON in, JSON out, and the kinds of attachments. */
import type { z } from 'zod';
import {
  ChannelPayloadError,
  ChannelSendError,
  type AttachmentKind,
  type AccountCredentials,
} from '../../domain/channel';

/** A payload parsed as JSON and checked against the platform's schema; throws `ChannelPayloadError`. */
export function parsePayload<T>(rawBody: Buffer, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new ChannelPayloadError('the body is not JSON');
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue ? issue.path.join('.') || '(root)' : '(root)';
    throw new ChannelPayloadError(`not the platform's payload: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

/** A date from unix milliseconds, refused when out of range. */
export function fromMillis(millis: number): Date {
  const date = new Date(millis);
  if (Number.isNaN(date.getTime())) throw new ChannelPayloadError(`${millis} is not a time`);
  return date;
}

export function kindOfMime(mime: string | null | undefined): AttachmentKind {
  if (!mime) return 'other';
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  return 'file';
}

/** How long a send may take before it counts as unreachable. */
export const SEND_TIMEOUT_MS = 10_000;

/**
 * POSTs JSON with the account's token as a bearer token and returns the platform's answer checked
 * against `schema`; throws `ChannelSendError` (retryable when unreachable, 429 or 5xx).
 */
export async function postJson<T>(
  url: string,
  credentials: AccountCredentials,
  body: unknown,
  schema: z.ZodType<T>,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${credentials.accessToken}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ChannelSendError(`the platform could not be reached: ${reason}`, null, true);
  }
  const text = await response.text();
  if (!response.ok) {
    const retryable = response.status === 429 || response.status >= 500;
    throw new ChannelSendError(
      `the platform answered ${response.status}: ${text.slice(0, 300)}`,
      response.status,
      retryable,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ChannelSendError('the platform answered something other than JSON', response.status, false);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    throw new ChannelSendError(
      `unexpected answer from the platform: ${text.slice(0, 300)}`,
      response.status,
      false,
    );
  }
  return result.data;
}

/** `base` without a trailing slash, then `path`. */
export function endpoint(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}
