import type { ListFilter, ListPage, ListRequest, PageRequest } from '@platform/domain';
import type { Interaction, InteractionEvent } from './interaction';

/** What the operations decide once the storing transaction has what they need. */
export interface Decided<T> {
  value: T;
  events: readonly InteractionEvent[];
}

/**
 * Which interactions a list holds: a filter tree (InteractionFilter; compiled in the repository) and
 * whether it lists the deleted interactions (to restore them) instead of the live ones.
 */
export interface InteractionSelection {
  filter: ListFilter | null;
  deleted: boolean;
}

/** Up to `first + 1` rows after the cursor, and how many there are in all. */
export interface Rows<T> {
  rows: T[];
  totalCount: number;
}

/**
 * What the interaction operations need of storage (infra/interaction-repository.ts implements it).
 * Every write locks the interaction's contact first (the contact must be live), so writes to one
 * contact's timeline take turns, and keeps the contact's lastInteractionAt in the same transaction.
 * Reads see only interactions of live contacts: a deleted contact's timeline goes with it.
 */
export interface InteractionRepository {
  /**
   * Stores a new interaction and its events; BAD_USER_INPUT (`contactId`) when the contact is not a
   * live contact of the organization.
   */
  create(interaction: Interaction, events: readonly InteractionEvent[]): Promise<Interaction>;
  /**
   * Changes an interaction: `decide` gets it as it is (its contact locked) and answers it changed, with
   * its events; no events means nothing to write. A concurrent change that got in first is a CONFLICT.
   * Null when there is no such interaction (deleted ones only with `withDeleted`).
   */
  change(
    organizationId: string,
    id: string,
    options: { withDeleted: boolean },
    decide: (current: Interaction) => Decided<Interaction>,
  ): Promise<Interaction | null>;
  /** A live interaction of the organization (of a live contact), or null. */
  find(organizationId: string, id: string): Promise<Interaction | null>;
  /** The organization's live interactions with these ids, in id order (null where none). */
  byIds(organizationId: string, ids: readonly string[]): Promise<Array<Interaction | null>>;
  /** A page of the organization's interactions that match the request's filter, in its order. */
  list(organizationId: string, request: ListRequest, deleted: boolean): Promise<ListPage<Interaction>>;
  /** For each contact, a page of its timeline (newest occurredAt first), in contact order: one query. */
  ofContacts(
    organizationId: string,
    contactIds: readonly string[],
    selection: InteractionSelection,
    request: PageRequest,
  ): Promise<Array<Rows<Interaction>>>;
  /** For each interaction, a page of its live replies (newest occurredAt first): one query. */
  repliesTo(
    organizationId: string,
    parentIds: readonly string[],
    request: PageRequest,
  ): Promise<Array<Rows<Interaction>>>;
  /** Whether the organization has a live (not deleted) contact with this id. */
  hasLiveContact(organizationId: string, contactId: string): Promise<boolean>;
}
