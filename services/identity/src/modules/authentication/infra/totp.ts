import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { SecretBox, TotpProvider } from '../domain/mfa';

/** TOTP with otpauth: SHA-1, 6 digits, 30-second steps (what every authenticator app speaks). */
export function otpauthTotp(): TotpProvider {
  const totp = (secret: string, account?: { issuer: string; label: string }) =>
    new TOTP({
      secret: Secret.fromBase32(secret),
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      ...(account ? { issuer: account.issuer, label: account.label } : {}),
    });
  return {
    newSecret(account) {
      const secret = new Secret({ size: 20 }).base32;
      return { secret, uri: totp(secret, account).toString() };
    },
    verify(secret, code) {
      if (!/^\d{6}$/.test(code)) return false;
      return totp(secret).validate({ token: code, window: 1 }) !== null;
    },
  };
}

const keyIdOf = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

/**
 * AES-256-GCM with the key id beside the ciphertext (`v1.<keyId>.<iv>.<tag>.<ciphertext>`, base64url)
 * and `context` as associated data. New values use the first key; older keys still open what they
 * sealed, so keys rotate without a flag day.
 */
export function aesGcmSecretBox(keys: readonly Buffer[]): SecretBox {
  const [current] = keys;
  if (!current || keys.some((key) => key.length !== 32)) throw new Error('secret keys must be 32 bytes each');
  const byId = new Map(keys.map((key) => [keyIdOf(key), key]));
  return {
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', keyIdOf(current), iv, cipher.getAuthTag(), ciphertext]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    open(sealed, context) {
      const [version, keyId, iv, tag, ciphertext] = sealed.split('.');
      const key = keyId ? byId.get(keyId) : undefined;
      if (version !== 'v1' || !key || !iv || !tag || ciphertext === undefined) {
        throw new Error('cannot open the sealed value: unknown format or key');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    },
  };
}
