import type { PageRequest } from '@platform/domain';
import type { CatalogEvent } from '@platform/events/catalog';
import type { ConsentHistoryEntry, ContactConsent } from './consent';
import type { ContactPreferences } from './preferences';

/** What is recorded for one contact: its consents (one per purpose) and its preferences, if any. */
export interface ContactConsentState {
  consents: ContactConsent[];
  preferences: ContactPreferences | null;
}

/** What a decision stores: consents to upsert, history entries to append, preferences to upsert. */
export interface ConsentWrites {
  consents: readonly ContactConsent[];
  history: readonly ConsentHistoryEntry[];
  preferences: ContactPreferences | null;
}

/** What the operations decide once the storing transaction has the contact's state. */
export interface Decided<T> {
  value: T;
  writes: ConsentWrites;
  events: readonly CatalogEvent[];
}

/** Up to `first + 1` rows after the cursor, and how many there are in all. */
export interface Rows<T> {
  rows: T[];
  totalCount: number;
}

/**
 * What the consent operations need of storage (infra/consent-repository.ts implements it). Writes of one
 * contact's consents and preferences take turns (a lock per contact, held to the end of the
 * transaction), so each decides from the state the previous one left.
 */
export interface ConsentRepository {
  /**
   * Runs `decide` on the contact's state, under the contact's lock, and stores its writes and events in
   * the same transaction. Null when the organization has no live contact with this id (nothing written).
   */
  change<T>(
    organizationId: string,
    contactId: string,
    decide: (state: ContactConsentState) => Decided<T>,
  ): Promise<{ value: T } | null>;
  /** The consents of each contact, in contact order: one query for any number. */
  consentsOf(organizationId: string, contactIds: readonly string[]): Promise<ContactConsent[][]>;
  /** The preferences of each contact (null when none recorded), in contact order: one query. */
  preferencesOf(
    organizationId: string,
    contactIds: readonly string[],
  ): Promise<Array<ContactPreferences | null>>;
  /** For each contact, a page of its history, newest first, in contact order: one query for any number. */
  historyOf(
    organizationId: string,
    contactIds: readonly string[],
    request: PageRequest,
  ): Promise<Array<Rows<ConsentHistoryEntry>>>;
}
