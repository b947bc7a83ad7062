import type { MutationResolvers } from '../../../../generated/graphql';

export const createApiKey: NonNullable<MutationResolvers['createApiKey']> = (
  _parent,
  { input },
  { auth, apiKeys },
) => apiKeys.create(auth, input);
