import type { ListPage, ListRequest, PageRequest } from '@platform/domain';
import type {
  AdPerformance,
  AdPerformancePosition,
  AdPerformanceRange,
  AdPerformanceTotals,
} from './ad-performance';
import type { CompanyAssignment, CompanyAssignmentRole } from './assignment';
import type { Company, CompanyEvent, CompanyStageEvent, ParentChain } from './company';
import type { OrganizationSettings } from './pipeline';

/** What the operations decide once the storing transaction has what they need. */
export interface Decided<T> {
  value: T;
  events: readonly CompanyEvent[];
}

/** Up to `first + 1` rows after the cursor, and how many there are in all. */
export interface Rows<T> {
  rows: T[];
  totalCount: number;
}

/** A page of one company's ad figures, with the totals of every row in the range. */
export interface AdPerformanceRows extends Rows<AdPerformance> {
  totals: AdPerformanceTotals;
}

/**
 * What the company operations need of storage (infra/company-repository.ts implements it). Every
 * call runs in the organization's tenant transaction; reads skip deleted companies unless told.
 */
export interface CompanyRepository {
  /** The organization's client-account settings: its projection row, or identity's defaults. */
  settings(organizationId: string): Promise<OrganizationSettings>;
  /** One company of the organization; deleted ones only when asked. */
  find(organizationId: string, id: string, options: { withDeleted: boolean }): Promise<Company | null>;
  /**
   * A page of the organization's live companies matching the request's filter, in its order; health
   * filters are compiled with the organization's `settings` as of `now`. One statement.
   */
  list(
    organizationId: string,
    request: ListRequest,
    settings: OrganizationSettings,
    now: Date,
  ): Promise<ListPage<Company>>;
  /** The organization's live companies with these ids, in id order (null where none). */
  byIds(organizationId: string, ids: readonly string[]): Promise<Array<Company | null>>;
  /** The organization's live company with this (normalised) domain, if any. */
  byDomain(organizationId: string, domain: string): Promise<Company | null>;
  /** A proposed parent: whether it is live and its ancestors; null when it is no company of the organization. */
  parentChain(organizationId: string, parentId: string): Promise<ParentChain | null>;
  /** Whether the organization has a live (not deleted) contact with this id. */
  hasLiveContact(organizationId: string, contactId: string): Promise<boolean>;
  /** Stores a new company, its first stage-history entry and its events (CONFLICT when its domain is taken). */
  create(company: Company, stageEvent: CompanyStageEvent, events: readonly CompanyEvent[]): Promise<Company>;
  /**
   * Stores a changed company and its events if it still has `previousVersion` (CONFLICT otherwise, and
   * when its domain is taken). With `checkParent` (the parent changes), the organization's hierarchy
   * lock is taken first and `checkParent` gets the new parent's chain as it is under the lock: it
   * throws to refuse, so two concurrent changes cannot close a cycle between them.
   */
  save(
    company: Company,
    previousVersion: number,
    events: readonly CompanyEvent[],
    checkParent?: (chain: ParentChain | null) => void,
  ): Promise<Company>;
  /**
   * Moves a live company: `decide` gets it locked (concurrent moves take turns) and the organization's
   * settings; the company and the history entry it answers are stored with its events. Null when there
   * is no such live company.
   */
  move(
    organizationId: string,
    id: string,
    decide: (
      current: Company,
      settings: OrganizationSettings,
    ) => Decided<{ company: Company; stageEvent: CompanyStageEvent }>,
  ): Promise<Company | null>;
  /** Stores an assignment and its events; CONFLICT when the user has that role on the company already. */
  addAssignment(assignment: CompanyAssignment, events: readonly CompanyEvent[]): Promise<CompanyAssignment>;
  /** Removes the user's assignment in `role` and stores `decide`'s events; null when there is none. */
  removeAssignment(
    organizationId: string,
    key: { companyId: string; userId: string; role: CompanyAssignmentRole },
    decide: (current: CompanyAssignment) => readonly CompanyEvent[],
  ): Promise<CompanyAssignment | null>;
  /**
   * Records a day of a live company's ad figures: `decide` gets what is stored for its platform and day
   * (the company locked, so recordings of one company take turns); a changed row is stored and the
   * company's totalSpend recomputed from its rows. Null when there is no such live company.
   */
  recordAdPerformance(
    organizationId: string,
    companyId: string,
    key: Pick<AdPerformance, 'platform' | 'date'>,
    decide: (existing: AdPerformance | null) => Decided<{ row: AdPerformance; changed: boolean }>,
  ): Promise<AdPerformance | null>;
  /** For each company, a page of its assignments (newest first; one role or all): one query for any number. */
  assignmentsOf(
    organizationId: string,
    companyIds: readonly string[],
    request: PageRequest,
    role: CompanyAssignmentRole | null,
  ): Promise<Array<Rows<CompanyAssignment>>>;
  /** For each user, a page of their assignments to live companies, newest first: one query for any number. */
  assignmentsOfUsers(
    organizationId: string,
    userIds: readonly string[],
    request: PageRequest,
    role: CompanyAssignmentRole | null,
  ): Promise<Array<Rows<CompanyAssignment>>>;
  /** For each company, a page of its stage history, newest first: one query for any number. */
  stageHistoryOf(
    organizationId: string,
    companyIds: readonly string[],
    request: PageRequest,
  ): Promise<Array<Rows<CompanyStageEvent>>>;
  /** For each company, a page of its live subsidiaries, newest first: one query for any number. */
  childrenOf(
    organizationId: string,
    companyIds: readonly string[],
    request: PageRequest,
  ): Promise<Array<Rows<Company>>>;
  /**
   * For each company, a page of its ad figures in the range (newest day first, then platform) and the
   * totals of the whole range: one query for any number of companies.
   */
  adPerformanceOf(
    organizationId: string,
    companyIds: readonly string[],
    range: AdPerformanceRange,
    request: { first: number; after: AdPerformancePosition | null },
  ): Promise<AdPerformanceRows[]>;
}
