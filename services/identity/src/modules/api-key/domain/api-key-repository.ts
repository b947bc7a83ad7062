import type { Page, PageRequest } from '@platform/domain';
import type { ApiKey, ApiKeyEvent } from './api-key';
import type { OperationManifest } from './operation-manifest';

/** What API keys need of storage (infra/api-key-repository.ts implements it). */
export interface ApiKeyRepository {
  create(apiKey: ApiKey, keyHash: string, events: readonly ApiKeyEvent[]): Promise<ApiKey>;
  save(apiKey: ApiKey, events: readonly ApiKeyEvent[]): Promise<ApiKey>;
  byId(organizationId: string, id: string): Promise<ApiKey | null>;
  page(organizationId: string, page: PageRequest): Promise<Page<ApiKey>>;
  /** The key with this hash, across organizations (the gateway's question comes first). */
  byHash(keyHash: string): Promise<ApiKey | null>;
  /** Records a use, writing at most once every `everyMs`. */
  touch(apiKey: ApiKey, at: Date, everyMs: number): Promise<void>;
  /** Stores a manifest; one with the same hash already in the organization is answered instead. */
  registerManifest(manifest: OperationManifest): Promise<OperationManifest>;
  manifestById(organizationId: string, id: string): Promise<OperationManifest | null>;
  /** Manifests by id, in the order asked, null where there is none (one statement). */
  manifestsByIds(organizationId: string, ids: readonly string[]): Promise<(OperationManifest | null)[]>;
  /** The organization's manifests, newest first (at most `limit`). */
  manifests(organizationId: string, limit: number): Promise<OperationManifest[]>;
  /** The ids of a manifest's operations (what the gateway admits for a key bound to it). */
  manifestOperationIds(organizationId: string, id: string): Promise<string[] | null>;
}
