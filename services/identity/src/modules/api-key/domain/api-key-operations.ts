import { randomUUID } from 'node:crypto';
import { notFound, organizationOf, pageRequest, signedInUser, type Actor, type Page } from '@platform/domain';
import { createApiKey, revokeApiKey, type ApiKey, type NewApiKeyInput } from './api-key';
import type { ApiKeyRepository } from './api-key-repository';

/** The secrets side of keys (infra/api-key-secrets.ts). */
export interface KeySecrets {
  create(): { key: string; keyHash: string; displayPrefix: string };
}

/** The organization's API keys: create (the secret answered once), list, revoke. */
export function apiKeyOperations(
  repository: ApiKeyRepository,
  secrets: KeySecrets,
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
