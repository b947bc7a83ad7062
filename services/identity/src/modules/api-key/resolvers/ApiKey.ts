import { apiKeyStatus } from '../domain/api-key';
import type { ApiKeyResolvers } from '../../../generated/graphql';

export const ApiKey: ApiKeyResolvers = {
  status: (apiKey) => apiKeyStatus(apiKey, new Date()),
  createdBy: (apiKey, _args, { userById }) => userById.load(apiKey.createdById),
  operationManifest: (apiKey, _args, { auth, apiKeys }) =>
    apiKey.operationManifestId ? apiKeys.manifest(auth, apiKey.operationManifestId) : null,
};
