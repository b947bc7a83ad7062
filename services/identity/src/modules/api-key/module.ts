import { DataLoader, defineModule } from '@platform/service-kit';
import type { IdentityDependencies } from '../../service';
import { apiKeyOperations, type ApiKeyOperations } from './domain/api-key-operations';
import type { OperationManifest } from './domain/operation-manifest';
import { apiKeyRepository } from './infra/api-key-repository';
import { operationReader } from './infra/operation-reader';
import { ApiKey } from './resolvers/ApiKey';
import { createApiKey } from './resolvers/Mutation/createApiKey';
import { revokeApiKey } from './resolvers/Mutation/revokeApiKey';
import { apiKeys } from './resolvers/Query/apiKeys';
import { operationManifests } from './resolvers/Query/operationManifests';
import { registerOperationManifest } from './resolvers/Mutation/registerOperationManifest';
import { setApiKeySafelist } from './resolvers/Mutation/setApiKeySafelist';

export interface ApiKeyModuleContext {
  apiKeys: ApiKeyOperations;
  /** The caller's organization's operation manifests by id, one statement per request. */
  manifestById: DataLoader<string, OperationManifest | null>;
}

export const apiKeyModule = defineModule<IdentityDependencies, ApiKeyModuleContext>({
  resolvers: {
    Query: { apiKeys, operationManifests },
    Mutation: { createApiKey, revokeApiKey, registerOperationManifest, setApiKeySafelist },
    ApiKey,
  },
  context: ({ database, tenants, apiKeySecrets }) => {
    const operations = apiKeyOperations(apiKeyRepository(database, tenants), apiKeySecrets, operationReader);
    return ({ auth }) => ({
      apiKeys: operations,
      manifestById: new DataLoader((ids: readonly string[]) => operations.manifestsByIds(auth, ids)),
    });
  },
});
