import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type KeyLike } from 'jose';
import { z } from 'zod';
import type { RouteHandler } from '@platform/service-kit';
import type { User } from '../../user/domain/user';
import type { AccessTokenIssuer, NewRefreshToken, RefreshTokenFactory } from '../domain/credentials';

/** Claims of the platform's access tokens; the gateway verifies them against identity's JWKS. */
export const ACCESS_TOKEN_ISSUER = 'identity';
export const ACCESS_TOKEN_AUDIENCE = 'platform';
export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';

export interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  /** The public half as published in the JWKS. */
  publicJwk: JWK;
}

/** A fresh Ed25519 signing key (development and tests; production passes one in). */
export async function generateSigningKey(
  kid: string = randomUUID(),
): Promise<{ key: SigningKey; privateJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, {
    crv: 'Ed25519',
    extractable: true,
  });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' };
  return { key: { kid, privateKey, publicJwk }, privateJwk };
}

const privateSigningJwk = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  kid: z.string().min(1),
  x: z.string().min(1),
  d: z.string().min(1),
});

/** Loads a signing key from its private JWK (Ed25519, with `kid`), as configured. */
export async function signingKeyFromJwk(candidate: unknown): Promise<SigningKey> {
  const parsed = privateSigningJwk.safeParse(candidate);
  if (!parsed.success) {
    throw new Error(`the signing key must be a private Ed25519 JWK with a kid: ${parsed.error.message}`);
  }
  const { d: _private, ...publicJwk } = parsed.data;
  const privateKey = await importJWK({ ...parsed.data, alg: ACCESS_TOKEN_ALGORITHM }, ACCESS_TOKEN_ALGORITHM);
  if (privateKey instanceof Uint8Array) throw new Error('the signing JWK must be an asymmetric key');
  return {
    kid: parsed.data.kid,
    privateKey,
    publicJwk: { ...publicJwk, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' },
  };
}

/**
 * Short-lived access tokens: `sub` user, `org` the organization they act in, `act` the agency they act
 * from (switched into a client), `sid` the sign-in session, `typ` user type. Verified at the edge; what the user may do is asked of
 * identity per request (principals), so the token carries no roles. A stolen token is useful for
 * `ttlSeconds` at most; refresh tokens carry the session further.
 */
export function createAccessTokenIssuer(key: SigningKey, ttlSeconds = 900): AccessTokenIssuer {
  return {
    async issue(user: User, options: { sessionId?: string; actingIn?: { organizationId: string } } = {}) {
      const { sessionId, actingIn } = options;
      const token = await new SignJWT({
        org: actingIn?.organizationId ?? user.organizationId,
        ...(actingIn ? { act: user.organizationId } : {}),
        ...(sessionId ? { sid: sessionId } : {}),
        typ: user.type,
      })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: key.kid, typ: 'at+jwt' })
        .setIssuer(ACCESS_TOKEN_ISSUER)
        .setAudience(ACCESS_TOKEN_AUDIENCE)
        .setSubject(user.id)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key.privateKey);
      return { token, expiresIn: ttlSeconds };
    },
  };
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Opaque 256-bit refresh tokens; only their SHA-256 is stored. */
export function createRefreshTokenFactory(ttlSeconds = 30 * 24 * 3600): RefreshTokenFactory {
  return {
    create(familyId?: string): NewRefreshToken {
      const token = `rt_${randomBytes(32).toString('base64url')}`;
      return {
        id: randomUUID(),
        familyId: familyId ?? randomUUID(),
        token,
        tokenHash: sha256(token),
        expiresAt: new Date(Date.now() + ttlSeconds * 1000),
      };
    },
    hash: sha256,
  };
}

/**
 * The route serving the JSON Web Key Set the gateway verifies access tokens with: the current key
 * and any still trusted. Public, and cacheable for five minutes.
 */
export function jwksRoute(keys: readonly JWK[]): RouteHandler {
  const body = JSON.stringify({ keys: [...keys] });
  return (_request, response) => {
    response.writeHead(200, {
      'content-type': 'application/jwk-set+json',
      'cache-control': 'public, max-age=300',
    });
    response.end(body);
  };
}

/** Single-use secrets sent by email: `<prefix>_<256 random bits>`, stored as their SHA-256. */
export interface SecretTokens {
  create(): { token: string; tokenHash: string };
  hash(token: string): string;
}

export function createSecretTokens(prefix = 'tok'): SecretTokens {
  return {
    create() {
      const token = `${prefix}_${randomBytes(32).toString('base64url')}`;
      return { token, tokenHash: sha256(token) };
    },
    hash: sha256,
  };
}
