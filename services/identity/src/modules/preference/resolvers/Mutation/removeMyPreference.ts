import type { MutationResolvers } from '../../../../generated/graphql';

export const removeMyPreference: NonNullable<MutationResolvers['removeMyPreference']> = (
  _parent,
  { key },
  { auth, preferences },
) => preferences.remove(auth, key);
