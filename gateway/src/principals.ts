import { createHash, randomUUID } from 'node:crypto';
import { API_ACCESS_LEVELS } from '@platform/events/catalog';
import {
  ensureEventTopics,
  isCatalogEvent,
  parseEvent,
  topicName,
  type ConsumeOutcome,
  type EventConsumerObserver,
} from '@platform/events';
import type { MessageConsumer, Messaging } from '@platform/messaging';
import {
  anonymousContext,
  AuthenticationError,
  INTERNAL_CONTEXT_HEADER,
  RequestRefusedError,
  signInternalContext,
  type KeyLike,
  type Logger,
} from '@platform/service-kit';
import type { Dispatcher } from 'undici';
import { z } from 'zod';

/**
 * Principals at the edge: who a verified credential acts as now. The gateway asks identity
 * (`POST /internal/principal`) and keeps the answer for a short time; identity's events about an
 * organization (its status, its users, their roles, custom roles) drop that organization's entries at
 * once, so a role change, a suspension or a deactivation applies to the next request, not when a token
 * expires, and so do billing's entitlements events (an API key's access by plan). Without the broker
 * the entries still expire after `ttlMs`.
 */

/** A credential the gateway verified: an access token's user in its organization. */
export interface UserCredential {
  type: 'user';
  /** The organization the token acts in. */
  organizationId: string;
  userId: string;
  /** Agencies: the user's own organization when the token acts in a client organization. */
  actingFromOrganizationId?: string;
  /** The sign-in session of the token; identity refuses an ended one. */
  sessionId?: string;
}

/** A partner's API key, as the client sent it; identity says whose it is and what it may do. */
export interface ApiKeyCredential {
  type: 'api_key';
  key: string;
}

export type Credential = UserCredential | ApiKeyCredential;

const principalSchema = z.object({
  organizationId: z.string(),
  userId: z.string(),
  apiKeyId: z.string().nullable(),
  actingFromOrganizationId: z.string().nullable(),
  roles: z.array(z.string()),
  permissions: z.array(z.string()),
  organizationStatus: z.enum(['active', 'suspended']),
  sessionId: z.string().nullable().optional(),
  /** An API key bound to an operation manifest: the only operations (SHA-256 hex ids) it may run. */
  operationSafelist: z.array(z.string()).nullable().optional(),
  /**
   * An API key's: what its organization's plan lets keys do (identity's copy of billing's entitlements,
   * from billing's entitlements `version`). Null for users; absent from an identity that predates it.
   */
  apiAccess: z
    .object({
      level: z.enum(API_ACCESS_LEVELS),
      planId: z.string(),
      version: z.number().int().nonnegative(),
    })
    .nullable()
    .optional(),
});

export type Principal = z.infer<typeof principalSchema>;

export interface PrincipalSource {
  /** The principal of a credential; AuthenticationError when it stands for nobody who may act. */
  resolve(credential: Credential): Promise<Principal>;
  /** Forgets what is cached about an organization (identity published a change to it). */
  evictOrganization(organizationId: string): void;
  /**
   * billing published the organization's entitlements at `version`: forgets its principals, and keeps
   * none whose API access comes from an older version (identity applies the same event on its own
   * time, so an answer fetched meanwhile may predate it; it is served but asked again next time).
   */
  entitlementsChanged(organizationId: string, version: number): void;
  /** Forgets everything (the event stream was interrupted). */
  clear(): void;
}

/** How long a principal is kept when no event evicts it first. */
export const DEFAULT_PRINCIPAL_TTL_MS = 30_000;
const MAX_ENTRIES = 50_000;

function keyOf(credential: Credential): string {
  // The cache never holds a key itself, only its hash.
  if (credential.type === 'api_key')
    return `api_key:${createHash('sha256').update(credential.key).digest('base64url')}`;
  return `user:${credential.organizationId}:${credential.userId}:${credential.actingFromOrganizationId ?? ''}:${credential.sessionId ?? ''}`;
}

/** Asks identity over HTTP, signing the call as the gateway. */
export function identityPrincipals(options: {
  url: string;
  signingKey: KeyLike;
  dispatcher?: Dispatcher;
  timeoutMs?: number;
  ttlMs?: number;
  now?: () => number;
}): PrincipalSource {
  const ttlMs = options.ttlMs ?? DEFAULT_PRINCIPAL_TTL_MS;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { principal: Principal; expiresAt: number; organizations: string[] }>();
  const inFlight = new Map<string, Promise<Principal>>();
  // Bumped by every eviction of the organization: an answer fetched across an eviction is not kept.
  const generations = new Map<string, number>();
  // The newest entitlements version billing published per organization, as far as this process heard.
  const entitlementVersions = new Map<string, number>();
  let epoch = 0;
  let evictions = 0;

  async function fetchPrincipal(credential: Credential): Promise<Principal> {
    const token = await signInternalContext(options.signingKey, anonymousContext(), {
      requestId: randomUUID(),
    });
    let response: Response;
    try {
      response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [INTERNAL_CONTEXT_HEADER]: token },
        body: JSON.stringify({ credential }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      } as RequestInit);
    } catch (error) {
      throw new RequestRefusedError(503, 'SERVICE_UNAVAILABLE', 'authentication is temporarily unavailable', {
        cause: error,
      });
    }
    const body: unknown = await response.json().catch(() => null);
    if (response.status === 401) {
      const message = z.object({ error: z.object({ message: z.string() }) }).safeParse(body);
      throw new AuthenticationError(message.success ? message.data.error.message : 'invalid credentials');
    }
    const parsed = z.object({ principal: principalSchema }).safeParse(body);
    if (response.status !== 200 || !parsed.success) {
      throw new RequestRefusedError(503, 'SERVICE_UNAVAILABLE', 'authentication is temporarily unavailable');
    }
    return parsed.data.principal;
  }

  /** Whether the principal's API access is as new as billing's newest entitlements this process heard of. */
  function currentEntitlements(principal: Principal): boolean {
    if (!principal.apiAccess) return true;
    return principal.apiAccess.version >= (entitlementVersions.get(principal.organizationId) ?? 0);
  }

  function evictOrganization(organizationId: string): void {
    evictions += 1;
    generations.set(organizationId, (generations.get(organizationId) ?? 0) + 1);
    for (const [key, entry] of entries) {
      if (entry.organizations.includes(organizationId)) entries.delete(key);
    }
    // In-flight answers of other keys may concern it too (an agency user acting in a client).
    inFlight.clear();
  }

  function remember(key: string, principal: Principal): void {
    if (entries.size >= MAX_ENTRIES) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
    const organizations = [principal.organizationId];
    if (principal.actingFromOrganizationId) organizations.push(principal.actingFromOrganizationId);
    entries.set(key, { principal, expiresAt: now() + ttlMs, organizations });
  }

  return {
    resolve(credential) {
      const key = keyOf(credential);
      const cached = entries.get(key);
      if (cached && cached.expiresAt > now()) return Promise.resolve(cached.principal);
      const pending = inFlight.get(key);
      if (pending) return pending;
      // An API key's organization is known only from the answer: any eviction meanwhile voids it.
      const concerned =
        credential.type === 'api_key'
          ? []
          : [credential.organizationId, credential.actingFromOrganizationId ?? ''];
      const generationOf = () =>
        credential.type === 'api_key'
          ? String(evictions)
          : concerned.map((id) => generations.get(id) ?? 0).join(':');
      const generation = generationOf();
      const startedEpoch = epoch;
      const request = fetchPrincipal(credential)
        .then((principal) => {
          const unchanged = epoch === startedEpoch && generationOf() === generation;
          if (unchanged && currentEntitlements(principal)) remember(key, principal);
          return principal;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, request);
      return request;
    },
    evictOrganization,
    entitlementsChanged(organizationId, version) {
      if (version > (entitlementVersions.get(organizationId) ?? 0)) {
        if (!entitlementVersions.has(organizationId) && entitlementVersions.size >= MAX_ENTRIES) {
          const oldest = entitlementVersions.keys().next();
          if (!oldest.done) entitlementVersions.delete(oldest.value);
        }
        entitlementVersions.set(organizationId, version);
      }
      evictOrganization(organizationId);
    },
    clear() {
      epoch += 1;
      entries.clear();
      inFlight.clear();
    },
  };
}

/**
 * The topics whose events change what a principal is: identity's, and billing's seats and plans (a
 * member without a seat of a plan priced per seat reads only). identity applies billing's events itself,
 * a moment after the gateway hears of them, and then publishes identity.organization.access_changed.v1:
 * an answer fetched in between is dropped on that event rather than kept until `ttlMs`.
 */
export const PRINCIPAL_TOPICS = [
  'identity.organization',
  'identity.user',
  'identity.role',
  'identity.api_key',
  'billing.seat',
  'billing.entitlements',
] as const;

/**
 * The `group` label of the principal consumer's metrics: its group id without the process's UUID, so a
 * restart continues the same series (the `instance` label tells replicas apart).
 */
export const PRINCIPALS_CONSUMER = 'gateway.principals';

/**
 * Listens to identity's and billing's entitlements events and evicts the principals of the
 * organization each one concerns. Each gateway process has a consumer group of its own (every replica
 * must see every event) that starts at the end of the topics, and deletes it when it stops. The
 * observer hears each event's outcome (processed; skipped when unreadable, the cache cleared instead)
 * and the group's lag, as the services' consumers report them.
 */
export async function startPrincipalInvalidation(options: {
  messaging: Messaging;
  topicPrefix: string;
  principals: PrincipalSource;
  logger: Logger;
  observer?: EventConsumerObserver;
}): Promise<{ stop(): Promise<void> }> {
  const groupId = `${PRINCIPALS_CONSUMER}.${randomUUID()}`;
  const observer = options.observer;
  // Idempotent; the gateway may start before identity has created them.
  await ensureEventTopics(options.messaging.admin, { prefix: options.topicPrefix });
  const consumer: MessageConsumer = options.messaging.consumer({
    groupId,
    fromBeginning: false,
    onLag: (lag) => observer?.lag?.({ ...lag, groupId: PRINCIPALS_CONSUMER }),
  });
  await consumer.subscribe(PRINCIPAL_TOPICS.map((topic) => topicName(topic, options.topicPrefix)));
  // Whatever was cached before the stream started may have missed an event.
  options.principals.clear();
  await consumer.run(async (message) => {
    let outcome: ConsumeOutcome = 'processed';
    try {
      const event = parseEvent(message.value);
      if (isCatalogEvent(event) && event.type === 'billing.entitlements.changed.v1') {
        options.principals.entitlementsChanged(event.data.organizationId, event.data.version);
      } else if (event.tenantid) {
        options.principals.evictOrganization(event.tenantid);
      }
    } catch (error) {
      // An event we cannot read: forget everything rather than keep something stale.
      options.logger.warn({ err: error, topic: message.topic }, 'unreadable event; principal cache cleared');
      options.principals.clear();
      outcome = 'skipped';
    }
    observer?.consumed?.({ groupId: PRINCIPALS_CONSUMER, topic: message.topic, outcome });
    return Promise.resolve();
  });
  return {
    async stop() {
      await consumer.stop();
      await options.messaging.admin.deleteConsumerGroups([groupId]).catch((error: unknown) => {
        options.logger.warn({ err: error, groupId }, 'could not delete the principal consumer group');
      });
    },
  };
}
