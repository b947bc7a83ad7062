import type { QueryResolvers } from '../../../../generated/graphql';

export const operationManifests: NonNullable<QueryResolvers['operationManifests']> = (
  _parent,
  _args,
  { auth, apiKeys },
) => apiKeys.manifests(auth);
