import type { MutationResolvers } from '../../../../generated/graphql';

export const setApiKeySafelist: NonNullable<MutationResolvers['setApiKeySafelist']> = (
  _parent,
  { apiKeyId, manifestId },
  { auth, apiKeys },
) => apiKeys.setSafelist(auth, apiKeyId, manifestId ?? null);
