import type { MutationResolvers } from '../../../../generated/graphql';

export const setContactPreferences: NonNullable<MutationResolvers['setContactPreferences']> = (
  _parent,
  { contactId, input },
  { auth, consents },
) => consents.setPreferences(auth, contactId, input);
