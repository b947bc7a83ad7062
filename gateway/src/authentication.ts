import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import {
  AuthenticationError,
  RequestRefusedError,
  anonymousContext,
  type InternalContext,
  type RequestContext,
} from '@platform/service-kit';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import { z } from 'zod';
import type { Credential, PrincipalSource, UserCredential } from './principals';

/** Access tokens are issued by identity for the platform. */
export const ACCESS_TOKEN_ISSUER = 'identity';
export const ACCESS_TOKEN_AUDIENCE = 'platform';

/** Where the public keys of access tokens come from: identity's JWKS URL, or a key set (tests). */
export type JwksSource = { url: string; timeoutMs?: number } | { keySet: JSONWebKeySet };

const claimsSchema = z.object({
  sub: z.string().min(1),
  org: z.string().min(1),
  /** Agencies: the user's own organization when the token acts in a client organization. */
  act: z.string().min(1).optional(),
  /** The sign-in session. */
  sid: z.string().min(1).optional(),
  /** Seconds since the epoch; required by the verification above. */
  exp: z.number(),
});

/**
 * Who is calling, as the gateway knows it: the internal context it signs for subgraphs, and the
 * operations an API key is restricted to (its manifest's ids; null: any operation). The safelist stays
 * at the edge; subgraphs never see it.
 */
export interface GatewayAuth extends InternalContext {
  operationSafelist: ReadonlySet<string> | null;
  /**
   * An API key's organization's API access by plan (read_only keys may not run mutations: see
   * api-access.ts); null for users and anonymous callers. Stays at the edge like the safelist.
   */
  apiAccess: { level: 'read_only' | 'full'; planId: string } | null;
}

/** The request context at the gateway: the kit's, with the edge's view of the caller. */
export type GatewayContext = RequestContext & {
  auth: GatewayAuth;
  /** When the request must be answered (epoch ms): its subgraph calls end by then. */
  requestDeadlineAt?: number;
};

export type Authenticator = (request: IncomingMessage) => Promise<GatewayAuth>;

/** How many verified access tokens the gateway remembers (a client keeps one for its 15 minutes). */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;
/** Partners may send their API key in this header instead of `Authorization: Bearer`. */
export const API_KEY_HEADER = 'x-api-key';
/** What every API key starts with (identity makes them). */
export const API_KEY_PREFIX = 'crmk_';

/** The longest user agent the gateway forwards (for the audit trail). */
export const MAX_USER_AGENT_LENGTH = 512;

/**
 * Access tokens already verified, until they expire: a client sends the same token with every request
 * for its lifetime, and verifying an Ed25519 signature again each time is most of the edge's work for
 * a small query. What a token says (user, organization) does not change before it expires; what the
 * user may do is the principal's business, asked of identity and kept current by its events.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { credential: UserCredential; expiresAt: number }>();

  constructor(private readonly capacity: number) {}

  get(token: string, now: number): UserCredential | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.credential;
  }

  set(token: string, credential: UserCredential, expiresAt: number): void {
    if (this.capacity <= 0) return;
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { credential, expiresAt });
  }
}

/**
 * The client's address. With no trusted proxy in front (`trustedProxyHops` 0), the socket's peer:
 * `X-Forwarded-For` is whatever the caller wrote, and trusting it would let anyone pick the address
 * their anonymous rate limit is charged to. Behind N proxies that each append the address they saw (a
 * load balancer: 1), the entry N from the right is the one the outermost trusted proxy wrote: entries
 * to its left came from the client, entries to its right from the proxies after it. A header with fewer
 * entries than hops gives its leftmost (the request skipped a proxy); an entry that is not an IP
 * address (a proxy misconfigured) gives the socket's peer.
 */
export function clientAddressOf(request: IncomingMessage, trustedProxyHops: number): string | null {
  const peer = request.socket.remoteAddress ?? null;
  if (trustedProxyHops <= 0) return peer;
  const header = request.headers['x-forwarded-for'];
  // Node joins repeated X-Forwarded-For headers with ", " in order: one list, as the proxies meant it.
  const entries = (typeof header === 'string' ? header : '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) return peer;
  const chosen = entries[Math.max(0, entries.length - trustedProxyHops)] ?? '';
  return isIP(chosen) === 0 ? peer : chosen;
}

/** Checks a number of trusted proxy hops (settings and in-process options alike). */
export function assertTrustedProxyHops(hops: number): void {
  if (!Number.isInteger(hops) || hops < 0 || hops > MAX_TRUSTED_PROXY_HOPS) {
    throw new Error(
      `trusted proxy hops must be an integer from 0 to ${MAX_TRUSTED_PROXY_HOPS}, got ${String(hops)}`,
    );
  }
}

/** More proxies than any deployment chains in front of the gateway: a larger value is a mistake. */
export const MAX_TRUSTED_PROXY_HOPS = 10;

/** The client's address and user agent, as the audit trail records them. */
export function clientOf(
  request: IncomingMessage,
  trustedProxyHops = 0,
): Pick<InternalContext, 'clientAddress' | 'userAgent'> {
  const agent = request.headers['user-agent'];
  return {
    clientAddress: clientAddressOf(request, trustedProxyHops),
    userAgent: typeof agent === 'string' && agent.length > 0 ? agent.slice(0, MAX_USER_AGENT_LENGTH) : null,
  };
}

/**
 * Edge authentication. No Authorization header: the anonymous principal (signUp and login work
 * anonymously; subgraphs decide what needs a user). A Bearer token: verified against identity's keys
 * (EdDSA, issuer, audience, expiry), then its principal (roles, effective permissions, organization
 * status) comes from `principals`. Anything else: 401.
 */
export function createAuthenticator(
  source: JwksSource,
  principals: PrincipalSource,
  options: {
    cacheSize?: number;
    now?: () => number;
    /** Proxies in front of the gateway whose `X-Forwarded-For` entries are trusted (default 0). */
    trustedProxyHops?: number;
  } = {},
): Authenticator {
  const trustedProxyHops = options.trustedProxyHops ?? 0;
  assertTrustedProxyHops(trustedProxyHops);
  const verified = new VerifiedTokens(options.cacheSize ?? VERIFIED_TOKEN_CACHE_SIZE);
  const now = options.now ?? Date.now;
  const keys =
    'url' in source
      ? createRemoteJWKSet(new URL(source.url), { timeoutDuration: source.timeoutMs ?? 5_000 })
      : createLocalJWKSet(source.keySet);

  async function credentialOf(token: string): Promise<UserCredential> {
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
    const credential: UserCredential = {
      type: 'user',
      organizationId: claims.data.org,
      userId: claims.data.sub,
      ...(claims.data.act ? { actingFromOrganizationId: claims.data.act } : {}),
      ...(claims.data.sid ? { sessionId: claims.data.sid } : {}),
    };
    verified.set(token, credential, claims.data.exp * 1000);
    return credential;
  }

  return async (request) => {
    const client = clientOf(request, trustedProxyHops);
    const header = request.headers.authorization;
    const apiKeyHeader = request.headers[API_KEY_HEADER];
    let credential: Credential;
    if (typeof apiKeyHeader === 'string' && apiKeyHeader.length > 0) {
      if (header !== undefined)
        throw new AuthenticationError(`send either Authorization or ${API_KEY_HEADER}, not both`);
      credential = { type: 'api_key', key: apiKeyHeader.trim() };
    } else {
      if (header === undefined) {
        return { ...anonymousContext(client), operationSafelist: null, apiAccess: null };
      }
      const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)$/i.exec(header);
      const token = match?.[1];
      if (token === undefined) {
        throw new AuthenticationError('the Authorization header must be "Bearer <access token or API key>"');
      }
      credential = token.startsWith(API_KEY_PREFIX)
        ? { type: 'api_key', key: token }
        : await credentialOf(token);
    }
    const principal = await principals.resolve(credential);
    return {
      ...anonymousContext(client),
      organizationId: principal.organizationId,
      userId: principal.userId,
      apiKeyId: principal.apiKeyId,
      actingFromOrganizationId: principal.actingFromOrganizationId,
      roles: [...principal.roles],
      permissions: [...principal.permissions],
      organizationStatus: principal.organizationStatus,
      sessionId: principal.sessionId ?? null,
      operationSafelist: principal.operationSafelist ? new Set(principal.operationSafelist) : null,
      apiAccess:
        principal.apiKeyId !== null && principal.apiAccess
          ? { level: principal.apiAccess.level, planId: principal.apiAccess.planId }
          : null,
    };
  };
}
