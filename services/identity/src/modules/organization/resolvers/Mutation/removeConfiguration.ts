import type { MutationResolvers } from '../../../../generated/graphql';

export const removeConfiguration: NonNullable<MutationResolvers['removeConfiguration']> = (
  _parent,
  { key },
  { auth, organizations },
) => organizations.removeConfiguration(auth, key);
