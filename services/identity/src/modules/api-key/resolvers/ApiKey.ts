import { apiKeyStatus } from '../domain/api-key';
import type { ApiKeyResolvers } from '../../../generated/graphql';

export const ApiKey: ApiKeyResolvers = {
  status: (apiKey) => apiKeyStatus(apiKey, new Date()),
  createdBy: (apiKey, _args, { userById }) => userById.load(apiKey.createdById),
  operationManifest: (apiKey, _args, { manifestById }) =>
    apiKey.operationManifestId ? manifestById.load(apiKey.operationManifestId) : null,
};
