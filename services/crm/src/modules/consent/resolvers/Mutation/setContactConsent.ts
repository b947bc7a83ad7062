import type { MutationResolvers } from '../../../../generated/graphql';

export const setContactConsent: NonNullable<MutationResolvers['setContactConsent']> = (
  _parent,
  { contactId, input },
  { auth, consents },
) => consents.setConsent(auth, contactId, input);
