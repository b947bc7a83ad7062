import type { MutationResolvers } from '../../../../generated/graphql';

export const revokeApiKey: NonNullable<MutationResolvers['revokeApiKey']> = (
  _parent,
  { id },
  { auth, apiKeys },
) => apiKeys.revoke(auth, id);
