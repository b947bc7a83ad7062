import { randomUUID } from 'node:crypto';
import {
  DEFAULT_PAGE_SIZE,
  InputIssues,
  isUuid,
  listRequest,
  MAX_PAGE_SIZE,
  notFound,
  organizationOf,
  pagesOf,
  signedInUser,
  type Actor,
  type ListFilter,
  type ListPage,
  type Page,
  type PageRequest,
  type SortKeyInput,
} from '@platform/domain';
import { assigneeProblem, type KnownUsers } from '../../contact/domain/owners';
import {
  checkAdPerformance,
  checkRange,
  decodeAdCursor,
  recordAdPerformance,
  type AdPerformance,
  type AdPerformanceInput,
  type AdPerformanceRange,
  type AdPerformanceTotals,
} from './ad-performance';
import { assignUser, unassignUser, type CompanyAssignment, type CompanyAssignmentRole } from './assignment';
import {
  checkCompanyFields,
  checkMoveNotes,
  createCompany,
  DEFAULT_COMPANY_ORDER,
  deleteCompany,
  moveCompanyStage,
  normalizeDomain,
  parentProblem,
  restoreCompany,
  updateCompany,
  type Company,
  type CompanyChanges,
  type CompanyFieldsInput,
  type CompanyStageEvent,
  type NewCompanyInput,
} from './company';
import type { CompanyRepository } from './company-repository';
import {
  daysInStage,
  firstStage,
  healthStatus,
  resolveStage,
  type CompanyHealth,
  type OrganizationSettings,
} from './pipeline';

const SIGN_IN = 'Sign in to work with companies';

/** A page of one company's ad figures with the totals of the whole range. */
export interface AdPerformancePage extends Page<AdPerformance> {
  totals: AdPerformanceTotals;
}

/** The company use cases: who may do what, and what it changes. */
export function companyOperations(
  repository: CompanyRepository,
  users: KnownUsers,
  clock: () => Date = () => new Date(),
) {
  /** Missing, deleted and other organizations' companies are all simply "not found". */
  const missing = (id: string) => notFound('Company', id);

  /**
   * Adds the problems of the companies and contacts `fields` name: a live parent of the organization
   * that is not the company or one of its subsidiaries, a live contact of the organization.
   */
  async function checkReferences(
    organizationId: string,
    companyId: string | null,
    fields: Pick<CompanyChanges, 'parentCompanyId' | 'primaryContactId'>,
    issues: InputIssues,
  ): Promise<void> {
    const { parentCompanyId, primaryContactId } = fields;
    const [chain, contact] = await Promise.all([
      parentCompanyId && isUuid(parentCompanyId) && parentCompanyId !== companyId
        ? repository.parentChain(organizationId, parentCompanyId)
        : Promise.resolve(null),
      primaryContactId && isUuid(primaryContactId)
        ? repository.hasLiveContact(organizationId, primaryContactId)
        : Promise.resolve(true),
    ]);
    if (parentCompanyId && isUuid(parentCompanyId)) {
      const problem = parentProblem(companyId, parentCompanyId, chain);
      if (problem) issues.add('parentCompanyId', problem);
    }
    if (!contact) issues.add('primaryContactId', 'is not a contact of the organization');
  }

  async function live(organizationId: string, id: string): Promise<Company> {
    const company = isUuid(id) ? await repository.find(organizationId, id, { withDeleted: false }) : null;
    if (!company) throw missing(id);
    return company;
  }

  return {
    async create(actor: Actor, input: NewCompanyInput): Promise<Company> {
      const caller = signedInUser(actor, SIGN_IN);
      const issues = new InputIssues();
      // Null on a new company is the default, not a clearing.
      const { name, ...rest } = checkCompanyFields(
        { ...input, isActive: input.isActive ?? undefined },
        issues,
      );
      const settings = await repository.settings(caller.organizationId);
      const stage =
        input.accountStage === null || input.accountStage === undefined
          ? firstStage(settings)
          : resolveStage(settings, input.accountStage, issues, 'accountStage');
      await checkReferences(caller.organizationId, null, rest, issues);
      issues.throwIfAny();
      const { company, stageEvent, events } = createCompany(
        {
          id: randomUUID(),
          organizationId: caller.organizationId,
          createdById: caller.userId,
          stageEventId: randomUUID(),
        },
        { ...rest, name: name ?? input.name.trim() },
        stage,
        clock(),
      );
      return repository.create(company, stageEvent, events);
    },

    /**
     * Changes a company read at `expectedVersion` (CONFLICT when it changed since). The stage does not
     * change here: moveCompanyStage records each move in the history.
     */
    async update(
      actor: Actor,
      id: string,
      input: CompanyFieldsInput,
      expectedVersion: number,
    ): Promise<Company> {
      const caller = signedInUser(actor, SIGN_IN);
      const current = await live(caller.organizationId, id);
      const issues = new InputIssues();
      const changes = checkCompanyFields(input, issues);
      const { company, changedFields, events } = updateCompany(
        current,
        changes,
        expectedVersion,
        caller.userId,
        clock(),
      );
      // Only the links that change are checked: a parent deleted since does not block other edits.
      const parentChanges = changedFields.includes('parentCompanyId');
      await checkReferences(
        caller.organizationId,
        current.id,
        {
          ...(parentChanges ? { parentCompanyId: company.parentCompanyId } : {}),
          ...(changedFields.includes('primaryContactId')
            ? { primaryContactId: company.primaryContactId }
            : {}),
        },
        issues,
      );
      issues.throwIfAny();
      if (changedFields.length === 0) return current;
      const parentId = company.parentCompanyId;
      return repository.save(
        company,
        current.version,
        events,
        parentChanges && parentId
          ? (chain) => {
              const problem = parentProblem(company.id, parentId, chain);
              if (problem) new InputIssues().add('parentCompanyId', problem).throwIfAny();
            }
          : undefined,
      );
    },

    /** Soft-deletes a company (restorable); NOT_FOUND when it is not there or already deleted. */
    async delete(actor: Actor, id: string): Promise<Company> {
      const caller = signedInUser(actor, SIGN_IN);
      const current = await live(caller.organizationId, id);
      const { company, events } = deleteCompany(current, caller.userId, clock());
      return repository.save(company, current.version, events);
    },

    /** Restores a deleted company; CONFLICT when it is not deleted or its domain belongs to another now. */
    async restore(actor: Actor, id: string): Promise<Company> {
      const caller = signedInUser(actor, SIGN_IN);
      const current = isUuid(id)
        ? await repository.find(caller.organizationId, id, { withDeleted: true })
        : null;
      if (!current) throw missing(id);
      const { company, events } = restoreCompany(current, caller.userId, clock());
      return repository.save(company, current.version, events);
    },

    /**
     * Moves a company to one of the organization's stages (BAD_USER_INPUT listing them otherwise;
     * CONFLICT when it is there already), writing the history entry in the move's transaction.
     */
    async moveStage(
      actor: Actor,
      id: string,
      stage: string,
      notes: string | null | undefined,
    ): Promise<Company> {
      const caller = signedInUser(actor, SIGN_IN);
      const checked = new InputIssues();
      const text = checkMoveNotes(checked, notes);
      checked.throwIfAny();
      if (!isUuid(id)) throw missing(id);
      const moved = await repository.move(caller.organizationId, id, (current, settings) => {
        const issues = new InputIssues();
        const toStage = resolveStage(settings, stage, issues);
        issues.throwIfAny();
        const { company, stageEvent, events } = moveCompanyStage(
          current,
          toStage,
          text,
          { stageEventId: randomUUID(), movedById: caller.userId },
          // Read under the company's lock: a move that waited for another is dated after it.
          clock(),
        );
        return { value: { company, stageEvent }, events };
      });
      if (!moved) throw missing(id);
      return moved;
    },

    /**
     * Assigns a user of the organization (not deactivated, suspended or deleted; the caller always) to
     * a live company as owner or collaborator; CONFLICT when they have that role on it already.
     */
    async assign(
      actor: Actor,
      companyId: string,
      userId: string,
      role: CompanyAssignmentRole,
    ): Promise<CompanyAssignment> {
      const caller = signedInUser(actor, SIGN_IN);
      const issues = new InputIssues();
      if (!isUuid(userId)) issues.add('userId', 'must be a UUID');
      issues.throwIfAny();
      const [company, known] = await Promise.all([
        live(caller.organizationId, companyId),
        userId === caller.userId ? Promise.resolve(null) : users.find(caller.organizationId, userId),
      ]);
      const problem = assigneeProblem(userId, caller, known);
      if (problem) issues.add('userId', problem);
      issues.throwIfAny();
      const { assignment, events } = assignUser(
        {
          id: randomUUID(),
          organizationId: caller.organizationId,
          companyId: company.id,
          assignedById: caller.userId,
        },
        userId,
        role,
        clock(),
      );
      return repository.addAssignment(assignment, events);
    },

    /** Removes a user's assignment in `role`; answers its id. NOT_FOUND when there is none. */
    async unassign(
      actor: Actor,
      companyId: string,
      userId: string,
      role: CompanyAssignmentRole,
    ): Promise<string> {
      const caller = signedInUser(actor, SIGN_IN);
      const company = await live(caller.organizationId, companyId);
      const now = clock();
      const removed = isUuid(userId)
        ? await repository.removeAssignment(
            caller.organizationId,
            { companyId: company.id, userId, role },
            (current) => unassignUser(current, caller.userId, now).events,
          )
        : null;
      if (!removed) throw notFound('CompanyAssignment', `${companyId}/${userId}/${role}`);
      return removed.id;
    },

    /** Records (or corrects) one day of a live company's figures on one platform. */
    async recordAdPerformance(
      actor: Actor,
      companyId: string,
      input: AdPerformanceInput,
    ): Promise<AdPerformance> {
      const caller = signedInUser(actor, SIGN_IN);
      const issues = new InputIssues();
      const figures = checkAdPerformance(input, issues);
      issues.throwIfAny();
      if (!isUuid(companyId)) throw missing(companyId);
      const now = clock();
      const recorded = await repository.recordAdPerformance(
        caller.organizationId,
        companyId,
        { platform: figures.platform, date: figures.date },
        (existing) => {
          const { row, changed, events } = recordAdPerformance(
            {
              id: randomUUID(),
              organizationId: caller.organizationId,
              companyId,
              recordedById: caller.userId,
            },
            figures,
            existing,
            now,
          );
          return { value: { row, changed }, events };
        },
      );
      if (!recorded) throw missing(companyId);
      return recorded;
    },

    async get(actor: Actor, id: string, load: (id: string) => Promise<Company | null>): Promise<Company> {
      organizationOf(actor, SIGN_IN);
      const company = await load(id);
      if (!company) throw missing(id);
      return company;
    },

    /**
     * The organization's live companies matching `filter`, in `orderBy` (newest first by default), a page
     * after `after`; BAD_USER_INPUT for a bad page size, order, filter or cursor. `loadSettings` gives the
     * organization's settings (the request's loader, so the list and its companies' health read them once).
     */
    async list(
      actor: Actor,
      args: {
        first?: number | null;
        after?: string | null;
        filter?: ListFilter | null;
        orderBy?: readonly SortKeyInput[] | null;
      },
      loadSettings: (organizationId: string) => Promise<OrganizationSettings>,
    ): Promise<ListPage<Company>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const request = listRequest(args, DEFAULT_COMPANY_ORDER);
      return repository.list(organizationId, request, await loadSettings(organizationId), clock());
    },

    /** The organization's live company with this domain (normalised as stored), or null. */
    async byDomain(actor: Actor, domain: string): Promise<Company | null> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const normalized = normalizeDomain(domain);
      if (normalized === null)
        new InputIssues().add('domain', 'must be a domain name, e.g. acme.com').throwIfAny();
      return normalized === null ? null : repository.byDomain(organizationId, normalized);
    },

    /** The caller's organization's settings (other organizations' never matter to a caller). */
    async settings(actor: Actor): Promise<OrganizationSettings> {
      return repository.settings(organizationOf(actor, SIGN_IN));
    },

    /** How long a company has been in its stage and the health that implies, now. */
    standing(
      company: Company,
      settings: OrganizationSettings,
    ): { daysInStage: number; healthStatus: CompanyHealth } {
      const days = daysInStage(company.stageEnteredAt, clock(), settings.timezone);
      return { daysInStage: days, healthStatus: healthStatus(days, settings) };
    },

    /** Pages of the assignments of many companies at once, in the order asked. */
    async assignmentsOf(
      actor: Actor,
      companyIds: readonly string[],
      request: PageRequest,
      role: CompanyAssignmentRole | null,
    ): Promise<Array<Page<CompanyAssignment>>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      return pagesOf(companyIds, request, (ids) =>
        repository.assignmentsOf(organizationId, ids, request, role),
      );
    },

    /** Pages of many users' assignments (to live companies) at once, in the order asked. */
    async assignmentsOfUsers(
      actor: Actor,
      userIds: readonly string[],
      request: PageRequest,
      role: CompanyAssignmentRole | null,
    ): Promise<Array<Page<CompanyAssignment>>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      return pagesOf(userIds, request, (ids) =>
        repository.assignmentsOfUsers(organizationId, ids, request, role),
      );
    },

    /** Pages of the stage history of many companies at once, newest first, in the order asked. */
    async stageHistoryOf(
      actor: Actor,
      companyIds: readonly string[],
      request: PageRequest,
    ): Promise<Array<Page<CompanyStageEvent>>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      return pagesOf(companyIds, request, (ids) => repository.stageHistoryOf(organizationId, ids, request));
    },

    /** Pages of the live subsidiaries of many companies at once, in the order asked. */
    async childrenOf(
      actor: Actor,
      companyIds: readonly string[],
      request: PageRequest,
    ): Promise<Array<Page<Company>>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      return pagesOf(companyIds, request, (ids) => repository.childrenOf(organizationId, ids, request));
    },

    /**
     * Pages of many companies' ad figures in one range at once (newest day first), each with the
     * totals of its whole range. `first` is 1–100 (default 20); the cursor is this list's own.
     */
    async adPerformanceOf(
      actor: Actor,
      companyIds: readonly string[],
      range: AdPerformanceRange,
      first: number | null | undefined,
      after: string | null | undefined,
    ): Promise<AdPerformancePage[]> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const size = first ?? DEFAULT_PAGE_SIZE;
      if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
        new InputIssues().add('first', `must be 1–${MAX_PAGE_SIZE}`).throwIfAny();
      }
      const request = { first: size, after: after ? decodeAdCursor(after) : null };
      const checked = checkRange(range);
      const valid = companyIds.filter(isUuid);
      const found =
        valid.length > 0 ? await repository.adPerformanceOf(organizationId, valid, checked, request) : [];
      const byCompany = new Map(valid.map((id, index) => [id, found[index]]));
      return companyIds.map((id) => {
        const rows = byCompany.get(id);
        return {
          items: rows?.rows.slice(0, size) ?? [],
          hasNextPage: (rows?.rows.length ?? 0) > size,
          hasPreviousPage: request.after !== null,
          totalCount: rows?.totalCount ?? 0,
          totals: rows?.totals ?? { spend: '0', impressions: 0, clicks: 0, conversions: '0', revenue: '0' },
        };
      });
    },
  };
}

export type CompanyOperations = ReturnType<typeof companyOperations>;
