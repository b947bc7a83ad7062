import type { MutationResolvers } from '../../../../generated/graphql';

export const registerOperationManifest: NonNullable<MutationResolvers['registerOperationManifest']> = (
  _parent,
  { input },
  { auth, apiKeys },
) => apiKeys.registerManifest(auth, input);
