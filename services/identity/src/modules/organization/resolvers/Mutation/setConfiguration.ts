import type { MutationResolvers } from '../../../../generated/graphql';

export const setConfiguration: NonNullable<MutationResolvers['setConfiguration']> = (
  _parent,
  { key, value, valueType },
  { auth, organizations },
) => organizations.setConfiguration(auth, key, value, valueType);
