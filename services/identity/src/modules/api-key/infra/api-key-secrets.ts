import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { API_KEY_PREFIX } from '../domain/api-key';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;

function base62(bytes: Buffer, length: number): string {
  let out = '';
  for (const byte of bytes) {
    if (out.length === length) break;
    // Rejection sampling keeps every character equally likely (248 = 4 × 62).
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}

function checksum(random: string): string {
  let value = crc32(random);
  let out = '';
  for (let index = 0; index < CHECKSUM_LENGTH; index += 1) {
    out = (ALPHABET[value % 62] ?? '0') + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/**
 * API key secrets: `crmk_` + 32 random base62 characters (about 190 bits) + a 6-character CRC32
 * checksum, so secret scanners recognise a key and a mistyped one is refused without a lookup. Only the
 * SHA-256 is stored.
 */
export function apiKeySecrets() {
  return {
    create(): { key: string; keyHash: string; displayPrefix: string } {
      let random = '';
      while (random.length < RANDOM_LENGTH) random += base62(randomBytes(48), RANDOM_LENGTH - random.length);
      const key = `${API_KEY_PREFIX}${random}${checksum(random)}`;
      return { key, keyHash: hash(key), displayPrefix: key.slice(0, API_KEY_PREFIX.length + 6) };
    },
    /** Whether `key` is shaped like one of ours and its checksum holds. */
    wellFormed(key: string): boolean {
      if (
        !key.startsWith(API_KEY_PREFIX) ||
        key.length !== API_KEY_PREFIX.length + RANDOM_LENGTH + CHECKSUM_LENGTH
      ) {
        return false;
      }
      const body = key.slice(API_KEY_PREFIX.length);
      return (
        /^[0-9A-Za-z]+$/.test(body) && checksum(body.slice(0, RANDOM_LENGTH)) === body.slice(RANDOM_LENGTH)
      );
    },
    hash,
  };
}

function hash(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}

export type ApiKeySecrets = ReturnType<typeof apiKeySecrets>;
