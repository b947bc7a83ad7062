import type { Page } from '@platform/domain';
import { DataLoader, defineModule, pageLoader, type PageKey } from '@platform/service-kit';
import type { CrmDependencies } from '../../service';
import type { ConsentHistoryEntry, ContactConsent } from './domain/consent';
import { consentOperations, type ConsentOperations } from './domain/consent-operations';
import type { ContactPreferences } from './domain/preferences';
import { consentRepository } from './infra/consent-repository';
import { CommunicationHours } from './resolvers/CommunicationHours';
import { ConsentHistoryEntry as ConsentHistoryEntryResolvers } from './resolvers/ConsentHistoryEntry';
import { Contact } from './resolvers/Contact';
import { ContactConsent as ContactConsentResolvers } from './resolvers/ContactConsent';
import { ContactPreferences as ContactPreferencesResolvers } from './resolvers/ContactPreferences';
import { setContactConsent } from './resolvers/Mutation/setContactConsent';
import { setContactPreferences } from './resolvers/Mutation/setContactPreferences';
import { unsubscribeContact } from './resolvers/Mutation/unsubscribeContact';

export interface ConsentModuleContext {
  consents: ConsentOperations;
  /** The current consents of contacts by contact id (one query per batch). */
  consentsByContact: DataLoader<string, ContactConsent[]>;
  /** The preferences of contacts by contact id, defaults where none (one query per batch). */
  preferencesByContact: DataLoader<string, ContactPreferences>;
  /** Pages of consent history by contact: one query per batch (per distinct first/after). */
  consentHistoryByContact: DataLoader<PageKey, Page<ConsentHistoryEntry>, string>;
}

export const consentModule = defineModule<CrmDependencies, ConsentModuleContext>({
  resolvers: {
    Mutation: { setContactConsent, setContactPreferences, unsubscribeContact },
    Contact,
    ContactConsent: ContactConsentResolvers,
    ConsentHistoryEntry: ConsentHistoryEntryResolvers,
    ContactPreferences: ContactPreferencesResolvers,
    CommunicationHours,
  },
  context: ({ tenants, cipher }) => {
    const consents = consentOperations(consentRepository(tenants), {
      // The keyring's blind-index key, derived per organization and purpose: equal addresses match
      // within one organization, and nothing can be read back.
      ipHash: (organizationId, ipAddress) => cipher.blindIndex(organizationId, 'consent.ip', ipAddress),
    });
    return ({ auth }) => ({
      consents,
      consentsByContact: new DataLoader((ids: readonly string[]) => consents.consentsOf(auth, ids)),
      preferencesByContact: new DataLoader((ids: readonly string[]) => consents.preferencesOf(auth, ids)),
      consentHistoryByContact: pageLoader((contactIds, request) =>
        consents.historyOf(auth, contactIds, request),
      ),
    });
  },
});
