import dns from 'node:dns';
import type { Credential, Principal, PrincipalSource } from '../src/principals';
import net from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type KeyLike } from 'jose';

export interface GraphQLResponseBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  extensions?: { cost?: { estimated: number; limit: number } };
}

export async function postGraphQL(
  url: string,
  query: string,
  headers: Record<string, string> = {},
  variables?: Record<string, unknown>,
): Promise<{ status: number; headers: Headers; body: GraphQLResponseBody }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as GraphQLResponseBody,
  };
}

/** Stands in for identity: an EdDSA key pair, its JWKS, and access tokens signed with it. */
export interface AccessTokenIssuer {
  jwks: JSONWebKeySet;
  sign(
    claims: { sub: string; org?: string | null; roles?: string[]; scope?: string },
    expiresIn?: string,
  ): Promise<string>;
}

export async function createAccessTokenIssuer(): Promise<AccessTokenIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const kid = 'identity-test-1';
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' }] };
  return { jwks, sign: (claims, expiresIn = '5m') => signAccessToken(privateKey, kid, claims, expiresIn) };
}

export function signAccessToken(
  key: KeyLike,
  kid: string,
  { sub, ...claims }: { sub: string; org?: string | null; roles?: string[]; scope?: string },
  expiresIn: string,
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid })
    .setSubject(sub)
    .setIssuer('identity')
    .setAudience('platform')
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key);
}

export const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

function destinationOf(args: unknown[]): string {
  // net.connect() passes its normalized arguments on as one array: [options, callback].
  const [first, second] = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: unknown; path?: unknown };
    if (typeof options.path === 'string') return `unix:${options.path}`;
    return typeof options.host === 'string' ? options.host : 'localhost';
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return typeof second === 'string' ? second : 'localhost';
  }
  return typeof first === 'string' ? `unix:${first}` : 'unknown';
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** Replaces `target[key]` (a function) with `wrap(original)`; returns the undo. */
function intercept(target: object, key: string, wrap: (original: AnyFunction) => AnyFunction): () => void {
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  const original: unknown = descriptor?.value;
  if (!descriptor || typeof original !== 'function') throw new Error(`${key} is not a function property`);
  const callOriginal: AnyFunction = function (this: unknown, ...args: unknown[]): unknown {
    return Reflect.apply(original, this, args) as unknown;
  };
  Object.defineProperty(target, key, { ...descriptor, value: wrap(callOriginal) });
  return () => Object.defineProperty(target, key, descriptor);
}

/**
 * Records the destination of every TCP connection this process opens (tls and http connect through
 * net.Socket too) and of every DNS lookup, and refuses those beyond the loopback before any packet
 * leaves: a test that catches an outbound call must not make it.
 */
export function guardOutboundConnections(): { attempts: string[]; restore(): void } {
  const attempts: string[] = [];
  const restoreConnect = intercept(
    net.Socket.prototype,
    'connect',
    (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        const destination = destinationOf(args);
        attempts.push(destination);
        if (this instanceof net.Socket && !LOOPBACK.test(destination) && !destination.startsWith('unix:')) {
          process.nextTick((socket: net.Socket) => {
            socket.destroy(new Error(`outbound connection to ${destination} blocked by the test`));
          }, this);
          return this;
        }
        return original.apply(this, args);
      },
  );
  // Some clients resolve names themselves before connecting; a lookup is traffic too.
  const restoreLookup = intercept(
    dns,
    'lookup',
    (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        const [hostname] = args;
        const callback = args[args.length - 1];
        const name = typeof hostname === 'string' ? hostname : 'unknown';
        attempts.push(name);
        if (!LOOPBACK.test(name) && typeof callback === 'function') {
          const error = Object.assign(new Error(`lookup of ${name} blocked by the test`), {
            code: 'ENOTFOUND',
          });
          process.nextTick(() => {
            Reflect.apply(callback, undefined, [error]);
          });
          return undefined;
        }
        return original.apply(this, args);
      },
  );
  return {
    attempts,
    restore() {
      restoreConnect();
      restoreLookup();
    },
  };
}

/**
 * Stands in for identity's principal endpoint in tests of the edge alone: every credential acts as its
 * own user and organization with the roles and permissions given (or those of `byUser`), and each
 * question is counted.
 */
export function tablePrincipals(
  defaults: { roles: string[]; permissions: string[] },
  byUser: Readonly<Record<string, Partial<Principal>>> = {},
): PrincipalSource & { asked: Credential[]; evicted: string[] } {
  const asked: Credential[] = [];
  const evicted: string[] = [];
  return {
    asked,
    evicted,
    resolve(credential) {
      asked.push(credential);
      if (credential.type !== 'user')
        return Promise.reject(new Error('tablePrincipals answers user credentials only'));
      return Promise.resolve({
        organizationId: credential.organizationId,
        userId: credential.userId,
        apiKeyId: null,
        actingFromOrganizationId: null,
        roles: [...defaults.roles],
        permissions: [...defaults.permissions],
        organizationStatus: 'active',
        ...byUser[credential.userId],
      });
    },
    evictOrganization(organizationId) {
      evicted.push(organizationId);
    },
    entitlementsChanged(organizationId) {
      evicted.push(organizationId);
    },
    clear() {
      evicted.push('*');
    },
  };
}
