import type { JWK } from 'jose';
import { z } from 'zod';
import { jsonObjectVariable, serviceEnvironmentSchema } from '@platform/service-kit';
import { signingKeyFromJwk } from './modules/authentication/infra/tokens';
import type { IdentityOptions } from './service';

/** A JSON array of public JWKs (each at least names its key type). */
const publicJwks = z
  .string()
  .transform((value, context): unknown => {
    try {
      return JSON.parse(value);
    } catch {
      context.addIssue({ code: 'custom', message: 'must be a JSON array of JWKs' });
      return z.NEVER;
    }
  })
  .pipe(z.array(z.looseObject({ kty: z.string() })));

/** A 32-byte key, base64. */
const secretKey = z
  .string({ error: 'IDENTITY_SECRETS_KEY is required: 32 random bytes, base64' })
  .transform((value) => Buffer.from(value, 'base64'))
  .refine((key) => key.length === 32, 'must be 32 bytes, base64-encoded');

/** identity's settings beyond the kit's: the only place that reads process.env (through the kit). */
const schema = serviceEnvironmentSchema('identity', 4001).extend({
  /** identity's private signing key for access tokens (Ed25519 JWK with kid, JSON). */
  IDENTITY_SIGNING_JWK: jsonObjectVariable,
  /** Public keys still trusted after a key rotation (JSON array of JWKs), published in the JWKS. */
  IDENTITY_PREVIOUS_PUBLIC_JWKS: publicJwks.default([]),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(3600)
    .default(30 * 24 * 3600),
  /**
   * The web app's address: emailed links point at its pages (`/accept-invitation?token=…`,
   * `/reset-password?token=…`).
   */
  PUBLIC_APP_URL: z.url().default('http://localhost:3000'),
  /** 32 random bytes, base64: seals secrets at rest (TOTP secrets). */
  IDENTITY_SECRETS_KEY: secretKey,
  /** Earlier secrets keys (comma-separated base64), still opening what they sealed after a rotation. */
  IDENTITY_PREVIOUS_SECRETS_KEYS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0),
    )
    .pipe(z.array(secretKey)),
});

export type IdentityEnvironment = z.infer<typeof schema>;

/** The settings, and the start options they become (the signing key is imported from its JWK). */
export const identityEnvironment = {
  schema,
  async options(environment: IdentityEnvironment): Promise<IdentityOptions> {
    const previousPublicJwks: JWK[] = environment.IDENTITY_PREVIOUS_PUBLIC_JWKS;
    return {
      signingKey: await signingKeyFromJwk(environment.IDENTITY_SIGNING_JWK),
      previousPublicJwks,
      accessTokenTtlSeconds: environment.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: environment.REFRESH_TOKEN_TTL_SECONDS,
      appUrl: environment.PUBLIC_APP_URL,
      secretKeys: [environment.IDENTITY_SECRETS_KEY, ...environment.IDENTITY_PREVIOUS_SECRETS_KEYS],
    };
  },
};
