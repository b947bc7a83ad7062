import type { MutationResolvers } from '../../../../generated/graphql';

export const setMyPreference: NonNullable<MutationResolvers['setMyPreference']> = (
  _parent,
  { category, key, value },
  { auth, preferences },
) => preferences.set(auth, { category, key, value });
