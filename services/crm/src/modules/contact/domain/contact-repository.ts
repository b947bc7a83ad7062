import type { ListPage, ListRequest, PageRequest } from '@platform/domain';
import type { Contact, ContactCreated, ContactEvent } from './contact';

/** What the contact operations need of storage (infra/contact-repository.ts implements it). */
export interface ContactRepository {
  /** Stores a new contact and its events in one transaction. */
  create(contact: Contact, events: readonly ContactCreated[]): Promise<Contact>;
  /**
   * Stores many new contacts of one organization and their events in one transaction (all or none);
   * CONFLICT naming the positions whose email or phone another live contact holds.
   */
  createMany(
    organizationId: string,
    contacts: readonly Contact[],
    events: readonly ContactCreated[],
  ): Promise<Contact[]>;
  /**
   * Stores a merge in one transaction: the kept contact (if it still has `keptVersion`) with every email
   * and phone of both, the merged one deleted (if it still has `mergedVersion`; CONFLICT otherwise),
   * the records that named the merged contact moved to the kept one, and the events built from how
   * many moved.
   */
  merge(
    kept: Contact,
    keptVersion: number,
    merged: Contact,
    mergedVersion: number,
    eventsFor: (movedRecords: Record<string, number>) => readonly ContactEvent[],
  ): Promise<Contact>;
  /** One contact of the organization; deleted ones only when asked. */
  find(organizationId: string, id: string, options: { withDeleted: boolean }): Promise<Contact | null>;
  /**
   * Stores a changed contact and its events, if it still has `previousVersion` (CONFLICT otherwise),
   * with the identifiers it holds now (CONFLICT when another live contact holds one).
   */
  save(contact: Contact, previousVersion: number, events: readonly ContactEvent[]): Promise<Contact>;
  /** The organization's live contact with this email (lower-cased) or phone (E.164), if any. */
  byIdentifier(organizationId: string, kind: 'email' | 'phone', value: string): Promise<Contact | null>;
  /** The organization's live contacts with these ids, in id order (null where none). */
  byIds(organizationId: string, ids: readonly string[]): Promise<Array<Contact | null>>;
  /** A page of the organization's live contacts that match the request's filter, in its order. */
  list(organizationId: string, request: ListRequest): Promise<ListPage<Contact>>;
  /** Up to `request.first + 1` of the organization's contacts after the cursor, newest first, and how many in all. */
  ofOrganization(
    organizationId: string,
    request: PageRequest,
  ): Promise<{ rows: Contact[]; totalCount: number }>;
  /**
   * For each owner, up to `request.first + 1` of their contacts after the cursor (newest first) and how
   * many they own in all, in owner order: one query for any number of owners.
   */
  ownedBy(
    organizationId: string,
    ownerIds: readonly string[],
    request: PageRequest,
  ): Promise<Array<{ rows: Contact[]; totalCount: number }>>;
  /** As ownedBy, for the contacts of companies (client accounts). */
  ofCompanies(
    organizationId: string,
    companyIds: readonly string[],
    request: PageRequest,
  ): Promise<Array<{ rows: Contact[]; totalCount: number }>>;
}
