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
});

export type Authenticator = (request: IncomingMessage) => Promise<InternalContext>;

/**
 * Edge authentication. No Authorization header: the anonymous principal (signUp and login work
 * anonymously; subgraphs decide what needs a user). A Bearer token: verified against identity's keys
 * (EdDSA, issuer, audience, expiry) and turned into the internal context. Anything else: 401.
 */
export function createAuthenticator(source: JwksSource): Authenticator {
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
    const { sub, org, roles, scope } = claims.data;
    return {
      organizationId: org ?? null,
      userId: sub,
      roles,
      scopes: scope.split(' ').filter((entry) => entry.length > 0),
    };
  };
}
