// What the generated resolver types use as parents (see @platform/codegen).
import type { ApiKey } from './domain/api-key';

export type ApiKeyMapper = ApiKey;
export interface CreatedApiKeyMapper {
  apiKey: ApiKey;
  secret: string;
}
export { ApiKeyStatus } from './domain/api-key';
export type { OperationManifest as OperationManifestMapper } from './domain/operation-manifest';
export type { PersistedOperation as PersistedOperationMapper } from './domain/operation-manifest';
