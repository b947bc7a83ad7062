import type { ContactConsentResolvers } from '../../../generated/graphql';

export const ContactConsent: ContactConsentResolvers = {
  ipAddressRecorded: (consent) => consent.ipHash !== null,
  capturedFromIp: (consent, { ipAddress }, { consents }) => consents.capturedFrom(consent, ipAddress),
  /** A reference the identity subgraph resolves (batched there). */
  recordedBy: (consent) => (consent.recordedBy ? { id: consent.recordedBy } : null),
};
