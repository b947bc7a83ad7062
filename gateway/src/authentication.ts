import type { IncomingMessage } from 'node:http';
import {
  AuthenticationError,
  RequestRefusedError,
  anonymousContext,
  type InternalContext,
} from '@platform/service-kit';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import { z } from 'zod';

/** Access tokens are issued by identity for the platform. */
export const ACCESS_TOKEN_ISSUER = 'identity';
export const ACCESS_TOKEN_AUDIENCE = 'platform';

/** Where the public keys of access tokens come from: identity's JWKS URL, or a key set (tests). */
export type JwksSource = { url: string; timeoutMs?: number } | { keySet: JSONWebKeySet };

const claimsSchema = z.object({
  sub: z.string().min(1),
  org: z.string().min(1).nullable().optional(),
  roles: z.array(z.string()).default([]),
  /** OAuth style: space-separated. */
  scope: z.string().default(''),
  /** Seconds since the epoch; required by the verification above. */
  exp: z.number(),
});

export type Authenticator = (request: IncomingMessage) => Promise<InternalContext>;

/** How many verified access tokens the gateway remembers (a client keeps one for its 15 minutes). */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/**
 * Access tokens already verified, until they expire: a client sends the same token with every request
 * for its lifetime, and verifying an Ed25519 signature again each time is most of the edge's work for
 * a small query. Nothing about a token changes before it expires (access tokens are not revocable;
 * refresh tokens are), so the answer is the same. Oldest entries go first when it is full.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { context: InternalContext; expiresAt: number }>();

  constructor(private readonly capacity: number) {}

  get(token: string, now: number): InternalContext | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(token);
      return undefined;
    }
    return { ...entry.context, roles: [...entry.context.roles], scopes: [...entry.context.scopes] };
  }

  set(token: string, context: InternalContext, expiresAt: number): void {
    if (this.capacity <= 0) return;
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { context, expiresAt });
  }
}

/**
 * Edge authentication. No Authorization header: the anonymous principal (signUp and login work
 * anonymously; subgraphs decide what needs a user). A Bearer token: verified against identity's keys
 * (EdDSA, issuer, audience, expiry) and turned into the internal context. Anything else: 401.
 */
export function createAuthenticator(
  source: JwksSource,
  options: { cacheSize?: number; now?: () => number } = {},
): Authenticator {
  const verified = new VerifiedTokens(options.cacheSize ?? VERIFIED_TOKEN_CACHE_SIZE);
  const now = options.now ?? Date.now;
  const keys =
    'url' in source
      ? createRemoteJWKSet(new URL(source.url), { timeoutDuration: source.timeoutMs ?? 5_000 })
      : createLocalJWKSet(source.keySet);
  return async (request) => {
    const header = request.headers.authorization;
    if (header === undefined) return anonymousContext();
    const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)$/i.exec(header);
    const token = match?.[1];
    if (token === undefined)
      throw new AuthenticationError('the Authorization header must be "Bearer <access token>"');
    const known = verified.get(token, now());
    if (known) return known;
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: ['EdDSA'],
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new AuthenticationError('access token expired');
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
        // identity's key set could not be fetched: not the caller's fault.
        throw new RequestRefusedError(
          503,
          'SERVICE_UNAVAILABLE',
          'authentication is temporarily unavailable',
          {
            cause: error,
          },
        );
      }
      throw new AuthenticationError('invalid access token', { cause: error });
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw new AuthenticationError('invalid access token: malformed claims');
    const { sub, org, roles, scope, exp } = claims.data;
    const context: InternalContext = {
      organizationId: org ?? null,
      userId: sub,
      roles,
      scopes: scope.split(' ').filter((entry) => entry.length > 0),
    };
    verified.set(token, context, exp * 1000);
    return { ...context, roles: [...roles], scopes: [...context.scopes] };
  };
}
