import { z } from 'zod';
import { jsonObjectVariable, serviceEnvironmentSchema } from '@platform/service-kit';

/** The identity service's settings: the only place that reads process.env. */
const schema = serviceEnvironmentSchema('identity', 4001).extend({
  /** identity's private signing key for access tokens (Ed25519 JWK with kid, JSON). */
  IDENTITY_SIGNING_JWK: jsonObjectVariable,
  /** Public keys still trusted after a key rotation (JSON array of JWKs), published in the JWKS. */
  IDENTITY_PREVIOUS_PUBLIC_JWKS: z.string().default('[]'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(3600)
    .default(30 * 24 * 3600),
});

export type Environment = z.infer<typeof schema>;

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  return schema.parse(env);
}
