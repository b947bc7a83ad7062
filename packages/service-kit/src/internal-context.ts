import { KeyObject, randomUUID } from 'node:crypto';
import {
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type JWK,
  type KeyLike,
} from 'jose';
import { z } from 'zod';

/**
 * The internal context: who is calling, as established by the gateway. The gateway verifies the
 * client's credentials once at the edge, then signs this short-lived token for every subgraph request;
 * subgraphs trust nothing else a caller says about itself.
 *
 * Wire format: header `x-internal-context: <JWT>`, EdDSA (Ed25519), claims
 * `iss: 'gateway'`, `aud: 'subgraph'`, `iat`, `exp` (iat + 60 s), `jti`, `org` (organization id or
 * null), `sub` (user id, absent when anonymous), `key` (API key id), `act` (the agency organization of
 * a user acting in a managed client), `sid` (session id), `roles`, `perms` (effective permissions),
 * `ost` (organization status), `cip` (client address), `ua` (client user agent), `rid` (request id).
 */
export const INTERNAL_CONTEXT_HEADER = 'x-internal-context';
export const INTERNAL_CONTEXT_ISSUER = 'gateway';
export const INTERNAL_CONTEXT_AUDIENCE = 'subgraph';
export const INTERNAL_CONTEXT_ALGORITHM = 'EdDSA';
export const INTERNAL_CONTEXT_LIFETIME_SECONDS = 60;
/** Allowed clock skew between the gateway and a subgraph. */
const CLOCK_TOLERANCE_SECONDS = 5;

/** The status of the caller's organization as identity last said (a suspended one may only read). */
export type OrganizationStanding = 'active' | 'suspended';

/** Who the request acts for. Anonymous: `organizationId` and `userId` are both null. */
export interface InternalContext {
  organizationId: string | null;
  /** The signed-in user; for an API key, the user who created it (the key acts for them). */
  userId: string | null;
  /** The API key the request was made with, if any. */
  apiKeyId: string | null;
  /** The agency organization of a user acting inside a managed client organization. */
  actingFromOrganizationId: string | null;
  /** The sign-in session the access token belongs to. */
  sessionId: string | null;
  roles: string[];
  /** Effective permissions (`resource:action`): roles' and direct grants, an API key's scopes. */
  permissions: string[];
  organizationStatus: OrganizationStanding | null;
  /** The client's address and user agent as the gateway saw them (for the audit trail). */
  clientAddress: string | null;
  userAgent: string | null;
}

export interface VerifiedInternalContext {
  context: InternalContext;
  /** The request id the gateway signed in (`rid`). */
  requestId: string;
  /** The token's `jti`. */
  tokenId: string;
  expiresAt: Date;
}

export type { JWK, KeyLike };

/** A key as configuration gives it: an imported key, a JWK object, or the JWK's JSON. */
export type InternalContextKeyInput = KeyLike | JWK | Readonly<Record<string, unknown>> | string;

function isKeyLike(key: InternalContextKeyInput): key is KeyLike {
  // jose on Node produces KeyObjects; anything else is treated as a JWK and validated as one.
  return key instanceof KeyObject;
}

export function anonymousContext(
  client: Pick<InternalContext, 'clientAddress' | 'userAgent'> = { clientAddress: null, userAgent: null },
): InternalContext {
  return {
    organizationId: null,
    userId: null,
    apiKeyId: null,
    actingFromOrganizationId: null,
    sessionId: null,
    roles: [],
    permissions: [],
    organizationStatus: null,
    ...client,
  };
}

/** Why a token was refused; the message is safe to return to the caller (it names no key material). */
export class InvalidInternalContextError extends Error {
  override readonly name = 'InvalidInternalContextError';
}

const claimsSchema = z.object({
  org: z.string().min(1).nullable(),
  sub: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  act: z.string().min(1).optional(),
  sid: z.string().min(1).optional(),
  roles: z.array(z.string()),
  perms: z.array(z.string()),
  ost: z.enum(['active', 'suspended']).optional(),
  cip: z.string().optional(),
  ua: z.string().optional(),
  rid: z.string().min(1),
  jti: z.string().min(1),
  exp: z.number(),
});

/** Signs the context for one subgraph request. `now` exists for tests of expiry. */
export async function signInternalContext(
  privateKey: KeyLike,
  context: InternalContext,
  options: { requestId: string; now?: Date },
): Promise<string> {
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const optional = {
    ...(context.apiKeyId !== null ? { key: context.apiKeyId } : {}),
    ...(context.actingFromOrganizationId !== null ? { act: context.actingFromOrganizationId } : {}),
    ...(context.sessionId !== null ? { sid: context.sessionId } : {}),
    ...(context.organizationStatus !== null ? { ost: context.organizationStatus } : {}),
    ...(context.clientAddress !== null ? { cip: context.clientAddress } : {}),
    ...(context.userAgent !== null ? { ua: context.userAgent } : {}),
  };
  const jwt = new SignJWT({
    org: context.organizationId,
    roles: context.roles,
    perms: context.permissions,
    rid: options.requestId,
    ...optional,
  })
    .setProtectedHeader({ alg: INTERNAL_CONTEXT_ALGORITHM, typ: 'JWT' })
    .setIssuer(INTERNAL_CONTEXT_ISSUER)
    .setAudience(INTERNAL_CONTEXT_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + INTERNAL_CONTEXT_LIFETIME_SECONDS)
    .setJti(randomUUID());
  if (context.userId !== null) jwt.setSubject(context.userId);
  return jwt.sign(privateKey);
}

/**
 * Verifies signature, issuer, audience, expiry and age (a token claiming a longer lifetime than the
 * contract is refused too), then the claim shapes. Throws InvalidInternalContextError.
 */
export async function verifyInternalContext(
  publicKey: KeyLike,
  token: string,
  options: { now?: Date } = {},
): Promise<VerifiedInternalContext> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, publicKey, {
      algorithms: [INTERNAL_CONTEXT_ALGORITHM],
      issuer: INTERNAL_CONTEXT_ISSUER,
      audience: INTERNAL_CONTEXT_AUDIENCE,
      requiredClaims: ['iat', 'exp', 'jti'],
      maxTokenAge: INTERNAL_CONTEXT_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      ...(options.now ? { currentDate: options.now } : {}),
    }));
  } catch (error) {
    if (error instanceof errors.JOSEError) {
      throw new InvalidInternalContextError(`invalid internal context: ${error.message}`);
    }
    throw error;
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) {
    throw new InvalidInternalContextError('invalid internal context: malformed claims');
  }
  const { org, sub, key, act, sid, roles, perms, ost, cip, ua, rid, jti, exp } = claims.data;
  return {
    context: {
      organizationId: org,
      userId: sub ?? null,
      apiKeyId: key ?? null,
      actingFromOrganizationId: act ?? null,
      sessionId: sid ?? null,
      roles,
      permissions: perms,
      organizationStatus: ost ?? null,
      clientAddress: cip ?? null,
      userAgent: ua ?? null,
    },
    requestId: rid,
    tokenId: jti,
    expiresAt: new Date(exp * 1000),
  };
}

export interface InternalContextKeys {
  /** Goes to the gateway only (`INTERNAL_CONTEXT_PRIVATE_JWK`). */
  privateJwk: JWK;
  /** Goes to every subgraph (`INTERNAL_CONTEXT_PUBLIC_JWK`). */
  publicJwk: JWK;
}

/** A fresh Ed25519 key pair as JWKs, for local runs and tests. */
export async function generateInternalContextKeys(): Promise<InternalContextKeys> {
  const { privateKey, publicKey } = await generateKeyPair(INTERNAL_CONTEXT_ALGORITHM, {
    crv: 'Ed25519',
    extractable: true,
  });
  const privateJwk = await exportJWK(privateKey);
  const publicJwk = await exportJWK(publicKey);
  return {
    privateJwk: { ...privateJwk, alg: INTERNAL_CONTEXT_ALGORITHM },
    publicJwk: { ...publicJwk, alg: INTERNAL_CONTEXT_ALGORITHM },
  };
}

const ed25519JwkSchema = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().min(1),
  d: z.string().min(1).optional(),
});

async function importEd25519(jwk: InternalContextKeyInput, kind: 'private' | 'public'): Promise<KeyLike> {
  if (isKeyLike(jwk)) return jwk;
  let parsed: unknown = jwk;
  if (typeof jwk === 'string') {
    try {
      parsed = JSON.parse(jwk);
    } catch {
      throw new Error(`the internal-context ${kind} key is not JSON (expected an Ed25519 JWK)`);
    }
  }
  const shape = ed25519JwkSchema.safeParse(parsed);
  if (!shape.success) throw new Error(`the internal-context ${kind} key is not an Ed25519 JWK`);
  const { x, d } = shape.data;
  if (kind === 'private' && d === undefined) {
    throw new Error('the internal-context private key JWK has no private part ("d")');
  }
  // A subgraph given the private key could mint contexts itself: refuse it where a public key belongs.
  if (kind === 'public' && d !== undefined) {
    throw new Error('the internal-context public key JWK contains a private part ("d"): pass the public JWK');
  }
  const key = await importJWK(
    { kty: 'OKP', crv: 'Ed25519', x, ...(kind === 'private' ? { d } : {}) },
    INTERNAL_CONTEXT_ALGORITHM,
  );
  if (key instanceof Uint8Array) throw new Error(`the internal-context ${kind} key is not an Ed25519 key`);
  return key;
}

/** Imports the gateway's signing key from a JWK (object or JSON string); a KeyLike passes through. */
export function importInternalContextPrivateKey(jwk: InternalContextKeyInput): Promise<KeyLike> {
  return importEd25519(jwk, 'private');
}

/** Imports the key subgraphs verify with, from a JWK (object or JSON string); a KeyLike passes through. */
export function importInternalContextPublicKey(jwk: InternalContextKeyInput): Promise<KeyLike> {
  return importEd25519(jwk, 'public');
}
