/** API keys for partners: scoped, expiring, revocable; only a hash stored. No crypto library here. */
import {
  conflict,
  enumObject,
  forbidden,
  InputIssues,
  isPermission,
  unionOfPermissions,
} from '@platform/domain';
import { createEvent, type CatalogEvent } from '@platform/events/catalog';
import { EVENT_SOURCE } from '../../organization/domain/organization';
import { ensureCanGrant } from '../../role/domain/role';

export interface ApiKey {
  id: string;
  organizationId: string;
  createdById: string;
  name: string;
  displayPrefix: string;
  scopes: string[];
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revokedById: string | null;
  /** The operation manifest the key may run (its safelist); null: any operation its scopes allow. */
  operationManifestId: string | null;
  createdAt: Date;
}

export const API_KEY_STATUSES = ['active', 'expired', 'revoked'] as const;
export const ApiKeyStatus = enumObject(API_KEY_STATUSES);
export type ApiKeyStatus = (typeof API_KEY_STATUSES)[number];

/** Every key starts with this, so secret scanners recognise one (and a checksum tells typos from guesses). */
export const API_KEY_PREFIX = 'crmk_';
export const DEFAULT_LIFETIME_DAYS = 90;
export const MAX_LIFETIME_DAYS = 366;
const DAY_MS = 86_400_000;
/** lastUsedAt is written at most this often. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

export type ApiKeyEvent = CatalogEvent<
  'identity.api_key.created.v1' | 'identity.api_key.revoked.v1' | 'identity.api_key.safelist_changed.v1'
>;

export function apiKeyStatus(key: Pick<ApiKey, 'revokedAt' | 'expiresAt'>, now: Date): ApiKeyStatus {
  if (key.revokedAt) return 'revoked';
  return key.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}

export interface NewApiKeyInput {
  name: string;
  scopes: readonly string[];
  expiresAt?: Date | null;
}

/**
 * A new key for the signed-in user: named, scoped to permissions they hold, expiring within a year
 * (90 days unless told otherwise). An API key cannot make API keys.
 */
export function createApiKey(
  input: NewApiKeyInput,
  creator: {
    organizationId: string;
    userId: string;
    apiKeyId: string | null;
    permissions: readonly string[];
  },
  key: { id: string; displayPrefix: string },
  now: Date,
): { apiKey: ApiKey; events: [ApiKeyEvent] } {
  if (creator.apiKeyId) throw forbidden('API keys are made by people signed in, not by other API keys');
  const issues = new InputIssues();
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) issues.add('name', 'must be 1–100 characters');
  const scopes = unionOfPermissions(input.scopes);
  if (scopes.length === 0) issues.add('scopes', 'must name at least one permission');
  input.scopes.forEach((scope, index) => {
    if (!isPermission(scope)) issues.add(`scopes.${index}`, `"${scope}" is not a platform permission`);
  });
  const expiresAt = input.expiresAt ?? new Date(now.getTime() + DEFAULT_LIFETIME_DAYS * DAY_MS);
  if (
    expiresAt.getTime() <= now.getTime() ||
    expiresAt.getTime() > now.getTime() + MAX_LIFETIME_DAYS * DAY_MS
  ) {
    issues.add('expiresAt', `must be in the future, at most ${MAX_LIFETIME_DAYS} days ahead`);
  }
  issues.throwIfAny();
  ensureCanGrant(creator.permissions, scopes);
  const apiKey: ApiKey = {
    id: key.id,
    organizationId: creator.organizationId,
    createdById: creator.userId,
    name,
    displayPrefix: key.displayPrefix,
    scopes,
    expiresAt,
    lastUsedAt: null,
    revokedAt: null,
    revokedById: null,
    operationManifestId: null,
    createdAt: now,
  };
  return {
    apiKey,
    events: [
      createEvent('identity.api_key.created.v1', {
        source: EVENT_SOURCE,
        subject: apiKey.id,
        tenantId: apiKey.organizationId,
        time: now,
        data: {
          apiKeyId: apiKey.id,
          organizationId: apiKey.organizationId,
          name,
          scopes,
          expiresAt: expiresAt.toISOString(),
          createdById: apiKey.createdById,
          occurredAt: now.toISOString(),
        },
      }),
    ],
  };
}

export function revokeApiKey(
  apiKey: ApiKey,
  revokedById: string | null,
  now: Date,
): { apiKey: ApiKey; events: [ApiKeyEvent] } {
  if (apiKey.revokedAt) throw conflict('The API key is already revoked');
  const revoked = { ...apiKey, revokedAt: now, revokedById };
  return {
    apiKey: revoked,
    events: [
      createEvent('identity.api_key.revoked.v1', {
        source: EVENT_SOURCE,
        subject: apiKey.id,
        tenantId: apiKey.organizationId,
        time: now,
        data: {
          apiKeyId: apiKey.id,
          organizationId: apiKey.organizationId,
          revokedById,
          occurredAt: now.toISOString(),
        },
      }),
    ],
  };
}

/** What a key may do: its scopes, as far as its creator still may (a demoted creator's keys shrink too). */
export function keyPermissions(scopes: readonly string[], creatorPermissions: readonly string[]): string[] {
  return scopes.filter((scope) => creatorPermissions.includes(scope)).sort();
}
