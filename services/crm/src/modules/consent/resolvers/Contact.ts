import { pageRequest } from '@platform/domain';
import { toConnection } from '@platform/service-kit';
import type { ContactResolvers } from '../../../generated/graphql';

export const Contact: ContactResolvers = {
  /** Batched: a list of N contacts costs one query for all their consents. */
  consents: (contact, _args, { consentsByContact }) => consentsByContact.load(contact.id),
  consentHistory: async (contact, { first, after }, { consentHistoryByContact }) =>
    toConnection(
      await consentHistoryByContact.load({ parentId: contact.id, request: pageRequest(first, after) }),
    ),
  preferences: (contact, _args, { preferencesByContact }) => preferencesByContact.load(contact.id),
  /** From the batched consents and preferences, in the contact's own time zone. */
  reachability: async (contact, { channel, kind }, { consents, consentsByContact, preferencesByContact }) => {
    const [current, preferences] = await Promise.all([
      consentsByContact.load(contact.id),
      preferencesByContact.load(contact.id),
    ]);
    return consents.reachabilityNow(current, preferences, channel, kind, contact.timezone);
  },
};
