import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * Field-level encryption for personal data at rest (crm's contact names, emails, phones, dates of
 * birth; interaction content; conversations' channel tokens), and blind indexes for equality lookups
 * on encrypted fields.
 *
 * A value is sealed with AES-256-GCM under the keyring's active key; the stored text names the key
 * (`pii1.<keyId>.<iv>.<ciphertext+tag>`, base64url), so a rotation can add a key, make it active and
 * re-encrypt rows in the background while every key still in the ring decrypts. The organization,
 * table, column and row are bound in as associated data: a ciphertext copied to another row, column or
 * organization fails to decrypt instead of showing someone else's data.
 *
 * A blind index is HMAC-SHA-256 of the normalised value under a key derived per organization (HKDF from
 * the keyring's index key): equal values in one organization have equal indexes, so uniqueness and
 * lookups work in SQL, while the same value in two organizations has unrelated indexes.
 */

export const CIPHERTEXT_PREFIX = 'pii1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Where a value lives: bound into its ciphertext. */
export interface FieldLocation {
  organizationId: string;
  table: string;
  column: string;
  rowId: string;
}

export interface FieldKeyring {
  /** The key new values are sealed with. */
  activeKeyId: string;
  /** Every key that still decrypts, by id (32 bytes each). */
  keys: ReadonlyMap<string, Buffer>;
  /** The key blind indexes derive from (32 bytes); it never rotates without re-indexing. */
  blindIndexKey: Buffer;
}

/** A ciphertext that does not open: tampered, moved to another place, or sealed with an unknown key. */
export class FieldDecryptionError extends Error {
  override name = 'FieldDecryptionError';
}

const base64Key = z
  .string()
  .transform((value) => Buffer.from(value, 'base64'))
  .refine((key) => key.length === KEY_BYTES, `must be ${KEY_BYTES} bytes, base64-encoded`);

/** The keyring as configuration holds it: `{ "active": "k2", "keys": { "k1": "…", "k2": "…" }, "blindIndexKey": "…" }`. */
export const fieldKeyringSchema = z
  .object({
    active: z.string().regex(KEY_ID, 'key ids are 1–32 letters, digits, _ or -'),
    keys: z.record(z.string().regex(KEY_ID, 'key ids are 1–32 letters, digits, _ or -'), base64Key),
    blindIndexKey: base64Key,
  })
  .refine((ring) => Object.hasOwn(ring.keys, ring.active), {
    message: 'the active key must be one of the keys',
    path: ['active'],
  })
  .transform((ring): FieldKeyring => ({
    activeKeyId: ring.active,
    keys: new Map(Object.entries(ring.keys)),
    blindIndexKey: ring.blindIndexKey,
  }));

/** Reads a keyring from its JSON text (configuration). */
export function parseFieldKeyring(json: string): FieldKeyring {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('the keyring is not JSON');
  }
  const parsed = fieldKeyringSchema.safeParse(value);
  if (!parsed.success) throw new Error(`invalid keyring: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** A new keyring (one random key and a random index key), as JSON for configuration. */
export function generateFieldKeyring(keyId = 'k1'): string {
  return JSON.stringify({
    active: keyId,
    keys: { [keyId]: randomBytes(KEY_BYTES).toString('base64') },
    blindIndexKey: randomBytes(KEY_BYTES).toString('base64'),
  });
}

/** The same keyring with a new active key (the old ones still decrypt): step one of a rotation. */
export function withNewActiveKey(keyring: FieldKeyring, keyId: string): FieldKeyring {
  if (!KEY_ID.test(keyId) || keyring.keys.has(keyId)) throw new Error(`cannot add key "${keyId}"`);
  return {
    ...keyring,
    activeKeyId: keyId,
    keys: new Map([...keyring.keys, [keyId, randomBytes(KEY_BYTES)]]),
  };
}

const associatedData = (location: FieldLocation): Buffer =>
  Buffer.from(
    [location.organizationId, location.table, location.column, location.rowId].join('\u001f'),
    'utf8',
  );

export interface FieldCipher {
  readonly activeKeyId: string;
  encrypt(plaintext: string, location: FieldLocation): string;
  /** Throws FieldDecryptionError when the ciphertext does not open at this location. */
  decrypt(ciphertext: string, location: FieldLocation): string;
  /** The id of the key a stored value was sealed with (null: not a ciphertext of ours). */
  keyIdOf(ciphertext: string): string | null;
  /** HMAC-SHA-256 (hex) of an already normalised value, under the organization's index key. */
  blindIndex(organizationId: string, purpose: string, normalized: string): string;
}

export function fieldCipher(keyring: FieldKeyring): FieldCipher {
  const active = keyring.keys.get(keyring.activeKeyId);
  if (!active) throw new Error(`the active key "${keyring.activeKeyId}" is not in the keyring`);
  const indexKeys = new Map<string, Buffer>();
  const indexKeyOf = (organizationId: string, purpose: string): Buffer => {
    const name = `${organizationId}\u001f${purpose}`;
    let key = indexKeys.get(name);
    if (!key) {
      key = Buffer.from(
        hkdfSync('sha256', keyring.blindIndexKey, organizationId, `blind-index:${purpose}`, 32),
      );
      // Bounded: a process serves a bounded number of organizations and purposes at a time.
      if (indexKeys.size > 10_000) indexKeys.clear();
      indexKeys.set(name, key);
    }
    return key;
  };
  return {
    activeKeyId: keyring.activeKeyId,
    encrypt(plaintext, location) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', active, iv);
      cipher.setAAD(associatedData(location));
      const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return [
        CIPHERTEXT_PREFIX,
        keyring.activeKeyId,
        iv.toString('base64url'),
        sealed.toString('base64url'),
      ].join('.');
    },
    decrypt(ciphertext, location) {
      const [prefix, keyId, ivText, sealedText, ...rest] = ciphertext.split('.');
      if (prefix !== CIPHERTEXT_PREFIX || !keyId || !ivText || !sealedText || rest.length > 0) {
        throw new FieldDecryptionError('not an encrypted field value');
      }
      const key = keyring.keys.get(keyId);
      if (!key) throw new FieldDecryptionError(`sealed with key "${keyId}", which the keyring no longer has`);
      const iv = Buffer.from(ivText, 'base64url');
      const sealed = Buffer.from(sealedText, 'base64url');
      if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES)
        throw new FieldDecryptionError('malformed ciphertext');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAAD(associatedData(location));
        decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
        return Buffer.concat([
          decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch (error) {
        throw new FieldDecryptionError('the ciphertext does not open here (tampered or moved)', {
          cause: error,
        });
      }
    },
    keyIdOf(ciphertext) {
      const [prefix, keyId] = ciphertext.split('.', 2);
      return prefix === CIPHERTEXT_PREFIX && keyId ? keyId : null;
    },
    blindIndex(organizationId, purpose, normalized) {
      return createHmac('sha256', indexKeyOf(organizationId, purpose))
        .update(normalized, 'utf8')
        .digest('hex');
    },
  };
}
