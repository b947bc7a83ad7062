import { randomUUID } from 'node:crypto';
import {
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
  type SortKey,
  type SortKeyInput,
} from '@platform/domain';
import { assigneeProblem, type KnownUsers } from '../../contact/domain/owners';
import {
  checkDealFields,
  createDeal,
  deleteDeal,
  moveDeal,
  placeDeal,
  restoreDeal,
  updateDeal,
  type CreateDealInput,
  type Deal,
  type DealFieldsInput,
  type DealReferences,
  type DealStageMove,
  type MoveOptions,
  type PlacementRequest,
} from './deal';
import type { Board, BoardFilter, BoardOrder, DealRepository } from './deal-repository';
import { checkAmount } from './money';

const SIGN_IN = 'Sign in to work with deals';

/** How many deals a board shows per stage unless told. */
export const DEFAULT_BOARD_PAGE = 10;

/** The deal list's order when the caller gives none: newest first. */
export const DEFAULT_DEAL_ORDER: readonly SortKey[] = [{ field: 'CREATED_AT', direction: 'DESC' }];

/** Adds the problems of a board filter: ids are UUIDs, amounts decimals, the date range in order. */
export function checkBoardFilter(filter: BoardFilter, issues: InputIssues, path = 'filter'): void {
  for (const field of ['ownerId', 'contactId', 'companyId'] as const) {
    const value = filter[field];
    if (value && !isUuid(value)) issues.add(`${path}.${field}`, 'must be a UUID');
  }
  for (const field of ['amountFrom', 'amountTo'] as const) {
    const value = filter[field];
    if (value !== null && value !== undefined) checkAmount(issues, `${path}.${field}`, value);
  }
  const { expectedCloseFrom: from, expectedCloseTo: to } = filter;
  for (const [field, value] of [
    ['expectedCloseFrom', from],
    ['expectedCloseTo', to],
  ] as const) {
    const year = value?.getUTCFullYear();
    if (year !== undefined && (Number.isNaN(year) || year < 1 || year > 9999))
      issues.add(`${path}.${field}`, 'must be a date in the years 1–9999');
  }
  if (from && to && from.getTime() > to.getTime())
    issues.add(`${path}.expectedCloseTo`, 'must not be before expectedCloseFrom');
}

/** The deal use cases: who may do what, and what it changes. */
export function dealOperations(
  repository: DealRepository,
  users: KnownUsers,
  clock: () => Date = () => new Date(),
  newId: () => string = randomUUID,
) {
  /** Missing, deleted and other organizations' deals are all simply "not found". */
  const missing = (id: string) => notFound('Deal', id);

  /**
   * The owner and primary contact a write names (only well-formed ids; their format was checked): the
   * owner a user of the organization who may own records (contact/domain/owners.ts), the contact a
   * live contact of the organization.
   */
  async function checkReferences(
    caller: { organizationId: string; userId: string | null },
    references: DealReferences,
    issues: InputIssues,
  ): Promise<void> {
    const { ownerId, contactId } = references;
    const checkOwner = ownerId && isUuid(ownerId) ? ownerId : null;
    const [known, contactFound] = await Promise.all([
      checkOwner && checkOwner !== caller.userId
        ? users.find(caller.organizationId, checkOwner)
        : Promise.resolve(null),
      contactId && isUuid(contactId)
        ? repository.hasLiveContact(caller.organizationId, contactId)
        : Promise.resolve(true),
    ]);
    if (checkOwner) {
      const problem = assigneeProblem(checkOwner, caller, known);
      if (problem) issues.add('ownerId', problem);
    }
    if (!contactFound) issues.add('contactId', 'is not a contact of the organization');
  }

  /** An agency user acting inside a client organization is not one of its users: no default owner. */
  const self = (actor: Actor, userId: string) => (actor.actingFromOrganizationId ? null : userId);

  function checkPlacementIds(request: PlacementRequest, issues: InputIssues): boolean {
    let valid = true;
    for (const field of ['pipelineId', 'stageId'] as const) {
      const value = request[field];
      if (value && !isUuid(value)) {
        issues.add(field, 'must be a UUID');
        valid = false;
      }
    }
    return valid;
  }

  return {
    /**
     * A new deal in a stage (or the first open stage of a pipeline, or of the default pipeline), owned
     * by the caller unless told otherwise. Every problem is reported at once.
     */
    async create(actor: Actor, input: CreateDealInput): Promise<Deal> {
      const caller = signedInUser(actor, SIGN_IN);
      const organizationId = caller.organizationId;
      const issues = new InputIssues();
      const checked = checkDealFields(input, issues);
      const fields = { ...checked, name: checked.name ?? '' };
      const request: PlacementRequest = {
        pipelineId: input.pipelineId ?? null,
        stageId: input.stageId ?? null,
      };
      const placeable = checkPlacementIds(request, issues);
      const owner = self(actor, caller.userId);
      const [state] = await Promise.all([
        placeable ? repository.placement(organizationId, request) : Promise.resolve(null),
        checkReferences({ organizationId, userId: owner }, input, issues),
      ]);
      const now = clock();
      const ids = {
        id: newId(),
        moveId: newId(),
        organizationId,
        createdBy: caller.userId,
        defaultOwnerId: owner,
      };
      // The closing rules need the stage: checked here with what was read, and again under the lock.
      const placement = state ? placeDeal(request, state, issues) : null;
      if (placement) createDeal(ids, fields, placement, now, issues);
      issues.throwIfAny();
      return repository.create(organizationId, request, (locked) => {
        const again = new InputIssues();
        const place = placeDeal(request, locked, again);
        again.throwIfAny();
        if (!place) throw missing(ids.id);
        const { deal, move, events } = createDeal(ids, fields, place, now, again);
        again.throwIfAny();
        return { value: { deal, move }, events };
      });
    },

    /** Changes a deal read at `expectedVersion` (CONFLICT when it changed since). */
    async update(actor: Actor, id: string, expectedVersion: number, input: DealFieldsInput): Promise<Deal> {
      const caller = signedInUser(actor, SIGN_IN);
      const issues = new InputIssues();
      const fields = checkDealFields(input, issues);
      await checkReferences(
        { organizationId: caller.organizationId, userId: self(actor, caller.userId) },
        input,
        issues,
      );
      if (!isUuid(id)) throw missing(id);
      const now = clock();
      const updated = await repository.update(caller.organizationId, id, (current) => {
        const { deal, events } = updateDeal(current, fields, expectedVersion, caller.userId, now, issues);
        return { value: deal, events };
      });
      if (!updated) throw missing(id);
      return updated;
    },

    /**
     * Moves a deal read at `expectedVersion` to a stage (of its pipeline or another), recording the
     * move in its stage history in the same transaction.
     */
    async move(
      actor: Actor,
      id: string,
      stageId: string,
      expectedVersion: number,
      options: MoveOptions,
    ): Promise<Deal> {
      const caller = signedInUser(actor, SIGN_IN);
      if (!isUuid(id)) throw missing(id);
      const issues = new InputIssues();
      if (!isUuid(stageId)) issues.add('stageId', 'must be a UUID').throwIfAny();
      const now = clock();
      const moved = await repository.move(caller.organizationId, id, stageId, (current, state) => {
        const target = placeDeal({ stageId }, state, issues);
        issues.throwIfAny();
        if (!target) throw missing(id);
        const { deal, move, events } = moveDeal(
          current,
          target,
          { expectedVersion, moveId: newId(), by: caller.userId, now, cause: 'moved' },
          options,
          issues,
        );
        return { value: { deal, move }, events };
      });
      if (!moved) throw missing(id);
      return moved;
    },

    /** Soft-deletes a deal (restorable). */
    async remove(actor: Actor, id: string): Promise<Deal> {
      const caller = signedInUser(actor, SIGN_IN);
      if (!isUuid(id)) throw missing(id);
      const now = clock();
      const removed = await repository.remove(caller.organizationId, id, (current) => {
        const { deal, events } = deleteDeal(current, caller.userId, now);
        return { value: deal, events };
      });
      if (!removed) throw missing(id);
      return removed;
    },

    /** Restores a deleted deal into its stage (CONFLICT when its stage or pipeline is gone). */
    async restore(actor: Actor, id: string): Promise<Deal> {
      const caller = signedInUser(actor, SIGN_IN);
      if (!isUuid(id)) throw missing(id);
      const now = clock();
      const restored = await repository.restore(caller.organizationId, id, (current, where) => {
        const { deal, events } = restoreDeal(current, where, caller.userId, now);
        return { value: deal, events };
      });
      if (!restored) throw missing(id);
      return restored;
    },

    async get(actor: Actor, id: string, load: (id: string) => Promise<Deal | null>): Promise<Deal> {
      organizationOf(actor, SIGN_IN);
      const deal = await load(id);
      if (!deal) throw missing(id);
      return deal;
    },

    /**
     * The organization's live deals matching `filter`, in `orderBy` (newest first by default), a page
     * after `after`; BAD_USER_INPUT for a bad page size, order, filter or cursor.
     */
    async list(
      actor: Actor,
      args: {
        first?: number | null;
        after?: string | null;
        filter?: ListFilter | null;
        orderBy?: readonly SortKeyInput[] | null;
      },
    ): Promise<ListPage<Deal>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      return repository.list(organizationId, listRequest(args, DEFAULT_DEAL_ORDER));
    },

    /**
     * A pipeline's board (the default pipeline's when none is named; null when the organization has
     * none): each live stage in order with its deal count, totals per currency and first deals.
     */
    async board(
      actor: Actor,
      pipelineId: string | null | undefined,
      filter: BoardFilter,
      request: { first: number | null | undefined; order: BoardOrder | null | undefined },
    ): Promise<Board | null> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const issues = new InputIssues();
      const first = request.first ?? DEFAULT_BOARD_PAGE;
      if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE)
        issues.add('first', `must be 1–${MAX_PAGE_SIZE}`);
      checkBoardFilter(filter, issues);
      issues.throwIfAny();
      const id = pipelineId ?? (await repository.defaultPipelineId(organizationId));
      if (id === null) return null;
      const board = isUuid(id)
        ? await repository.board(organizationId, id, filter, { first, order: request.order ?? 'newest' })
        : null;
      if (!board) throw notFound('Pipeline', id);
      return board;
    },

    /** Pages of the live deals of many contacts at once, in the order asked. */
    async ofContacts(
      actor: Actor,
      contactIds: readonly string[],
      request: PageRequest,
    ): Promise<Array<Page<Deal>>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      return pagesOf(contactIds, request, (ids) => repository.ofContacts(organizationId, ids, request));
    },

    /** Pages of the live deals many users own, at once, in the order asked. */
    async ownedBy(
      actor: Actor,
      userIds: readonly string[],
      request: PageRequest,
    ): Promise<Array<Page<Deal>>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      return pagesOf(userIds, request, (ids) => repository.ownedBy(organizationId, ids, request));
    },

    /** Pages of the stage history of many deals at once, latest first, in the order asked. */
    async historyOf(
      actor: Actor,
      dealIds: readonly string[],
      request: PageRequest,
    ): Promise<Array<Page<DealStageMove>>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      return pagesOf(dealIds, request, (ids) => repository.historyOf(organizationId, ids, request));
    },
  };
}

export type DealOperations = ReturnType<typeof dealOperations>;
