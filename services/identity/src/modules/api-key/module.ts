import { defineModule } from '@platform/service-kit';
import type { IdentityDependencies } from '../../service';
import { apiKeyOperations, type ApiKeyOperations } from './domain/api-key-operations';
import { apiKeyRepository } from './infra/api-key-repository';
import { ApiKey } from './resolvers/ApiKey';
import { createApiKey } from './resolvers/Mutation/createApiKey';
import { revokeApiKey } from './resolvers/Mutation/revokeApiKey';
import { apiKeys } from './resolvers/Query/apiKeys';

export interface ApiKeyModuleContext {
  apiKeys: ApiKeyOperations;
}

export const apiKeyModule = defineModule<IdentityDependencies, ApiKeyModuleContext>({
  resolvers: { Query: { apiKeys }, Mutation: { createApiKey, revokeApiKey }, ApiKey },
  context: ({ database, tenants, apiKeySecrets }) => {
    const operations = apiKeyOperations(apiKeyRepository(database, tenants), apiKeySecrets);
    return () => ({ apiKeys: operations });
  },
});
