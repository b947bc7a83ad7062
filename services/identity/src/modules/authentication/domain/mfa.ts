/** Multi-factor sign-in: TOTP (RFC 6238) with single-use recovery codes. No crypto library here. */
import { randomInt } from 'node:crypto';

/** What TOTP needs; infra/totp.ts implements it with a maintained library (otpauth). */
export interface TotpProvider {
  /** A new random secret (base32) and the otpauth:// URI authenticator apps scan. */
  newSecret(account: { issuer: string; label: string }): { secret: string; uri: string };
  /** Whether `code` is valid for `secret` now (one 30-second step of drift either way). */
  verify(secret: string, code: string): boolean;
}

/** Seals secrets at rest (AES-256-GCM); `context` is bound in, so a sealed value only opens where it was sealed. */
export interface SecretBox {
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
}

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten recovery codes like `k7m2-p9qx-4t`: 50 bits each, easy to read back. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const characters = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)] ?? 'a').join('');
    return `${characters.slice(0, 4)}-${characters.slice(4, 8)}-${characters.slice(8)}`;
  });
}

/** Recovery codes compare without case, spaces or hyphens. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

/** A TOTP code is six digits (spaces allowed while typing). */
export function normalizeTotpCode(code: string): string {
  return code.replace(/\s/g, '');
}

/** An MFA challenge lives five minutes and allows five wrong codes. */
export const MFA_CHALLENGE_TTL_MS = 5 * 60_000;
export const MFA_CHALLENGE_MAX_ATTEMPTS = 5;
/** A password reset link lives thirty minutes. */
export const PASSWORD_RESET_TTL_MS = 30 * 60_000;
