import { randomUUID } from 'node:crypto';
import {
  forbidden,
  notFound,
  organizationOf,
  pageRequest,
  signedInUser,
  type Actor,
  type Page,
} from '@platform/domain';
import { createApiKey, revokeApiKey, type ApiKey, type NewApiKeyInput } from './api-key';
import type { ApiKeyRepository } from './api-key-repository';
import {
  buildOperationManifest,
  setApiKeySafelist,
  type OperationReader,
  type NewManifestInput,
  type OperationManifest,
} from './operation-manifest';

/** How many manifests `operationManifests` lists at most. */
export const MAX_LISTED_MANIFESTS = 100;

/** The secrets side of keys (infra/api-key-secrets.ts). */
export interface KeySecrets {
  create(): { key: string; keyHash: string; displayPrefix: string };
}

/** The organization's API keys: create (the secret answered once), list, revoke. */
export function apiKeyOperations(
  repository: ApiKeyRepository,
  secrets: KeySecrets,
  reader: OperationReader,
  now: () => Date = () => new Date(),
) {
  return {
    async create(actor: Actor, input: NewApiKeyInput): Promise<{ apiKey: ApiKey; secret: string }> {
      const { organizationId, userId } = signedInUser(actor);
      const secret = secrets.create();
      const { apiKey, events } = createApiKey(
        input,
        { organizationId, userId, apiKeyId: actor.apiKeyId ?? null, permissions: actor.permissions ?? [] },
        { id: randomUUID(), displayPrefix: secret.displayPrefix },
        now(),
      );
      return { apiKey: await repository.create(apiKey, secret.keyHash, events), secret: secret.key };
    },

    async revoke(actor: Actor, id: string): Promise<ApiKey> {
      const apiKey = await repository.byId(organizationOf(actor), id);
      if (!apiKey) throw notFound('ApiKey', id);
      const revoked = revokeApiKey(apiKey, actor.userId, now());
      return repository.save(revoked.apiKey, revoked.events);
    },

    /** Registers a manifest (or answers the same one registered before). API keys cannot. */
    async registerManifest(actor: Actor, input: NewManifestInput): Promise<OperationManifest> {
      const creator = signedInUser(actor);
      if (actor.apiKeyId) throw forbidden('Manifests are registered by people signed in, not by API keys');
      return repository.registerManifest(buildOperationManifest(input, creator, reader, randomUUID(), now()));
    },

    manifests(actor: Actor): Promise<OperationManifest[]> {
      return repository.manifests(organizationOf(actor), MAX_LISTED_MANIFESTS);
    },

    /** The manifests of the actor's organization by id (keys' `operationManifest`, batched). */
    manifestsByIds(actor: Actor, ids: readonly string[]): Promise<(OperationManifest | null)[]> {
      return repository.manifestsByIds(organizationOf(actor), ids);
    },

    /** Binds a key to a manifest of the organization, or (null) lets it run any operation again. */
    async setSafelist(actor: Actor, apiKeyId: string, manifestId: string | null): Promise<ApiKey> {
      const organizationId = organizationOf(actor);
      if (actor.apiKeyId) throw forbidden('An API key cannot change safelists');
      const apiKey = await repository.byId(organizationId, apiKeyId);
      if (!apiKey) throw notFound('ApiKey', apiKeyId);
      const manifest = manifestId === null ? null : await repository.manifestById(organizationId, manifestId);
      if (manifestId !== null && !manifest) throw notFound('OperationManifest', manifestId);
      const changed = setApiKeySafelist(apiKey, manifest, actor.userId ?? null, now());
      return repository.save(changed.apiKey, changed.events);
    },

    list(
      actor: Actor,
      first: number | null | undefined,
      after: string | null | undefined,
    ): Promise<Page<ApiKey>> {
      return repository.page(organizationOf(actor), pageRequest(first, after));
    },
  };
}

export type ApiKeyOperations = ReturnType<typeof apiKeyOperations>;
