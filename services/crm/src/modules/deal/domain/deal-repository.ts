import { enumObject, type ListPage, type ListRequest, type PageRequest } from '@platform/domain';
import type { Deal, DealEvent, DealStageMove, PlacementRequest, PlacementState } from './deal';
import type { Pipeline, PipelineEvent, PipelineStage, PipelineWithStages, StageDealCounts } from './pipeline';

/** What the operations decide once the storing transaction has what they need. */
export interface Decided<T> {
  value: T;
  events: ReadonlyArray<DealEvent | PipelineEvent>;
}

/** Up to `first + 1` rows after the cursor, and how many there are in all. */
export interface Rows<T> {
  rows: T[];
  totalCount: number;
}

/** A deal that moved, and the stage history entry of its move. */
export interface MovedDeal {
  deal: Deal;
  move: DealStageMove;
}

/** What a pipeline change writes (see `PipelineRepository.update`). */
export interface PipelineWrite {
  pipeline: Pipeline;
  /** The live stages in their new order; null when they did not change. */
  stages: PipelineStage[] | null;
  /** Stages taken out of the pipeline (removedAt set). */
  removed: PipelineStage[];
  /** The pipeline that stopped being the default, if this one became it. */
  demoted: Pipeline | null;
  /** Deals of removed stages moved to the stages named for them. */
  moved: MovedDeal[];
}

/**
 * What the pipeline operations need of storage (infra/pipeline-repository.ts implements it). Every
 * write runs under the organization's pipeline lock (names and the default are decided one write at a
 * time) and locks the pipeline's row before any deal row: deal writes lock it too (shared), so a stage
 * is not removed or re-kinded while a deal enters it.
 */
export interface PipelineRepository {
  /** `decide` gets the organization's live pipelines; stores the new pipeline (and the demoted one). */
  create(
    organizationId: string,
    decide: (
      live: PipelineWithStages[],
    ) => Decided<{ created: PipelineWithStages; demoted: Pipeline | null }>,
  ): Promise<PipelineWithStages>;
  /**
   * Changes a live pipeline: `decide` gets it (locked), the organization's live pipelines, how many
   * deals each of its stages holds, and a way to read (and lock) the deals of stages. Null when there
   * is no such pipeline; a decision of null changes nothing and answers the pipeline as it is.
   */
  update(
    organizationId: string,
    id: string,
    decide: (state: {
      current: PipelineWithStages;
      live: PipelineWithStages[];
      dealCounts: StageDealCounts;
      dealsIn: (stageIds: readonly string[]) => Promise<Deal[]>;
    }) => Promise<Decided<PipelineWrite | null>>,
  ): Promise<Pipeline | null>;
  /**
   * Soft-deletes a live pipeline: `decide` gets it (locked), the organization's other live pipelines
   * and how many open live deals it holds. Null when there is no such pipeline.
   */
  remove(
    organizationId: string,
    id: string,
    decide: (
      current: PipelineWithStages,
      others: PipelineWithStages[],
      openDeals: number,
    ) => Decided<{ pipeline: Pipeline; promoted: Pipeline | null }>,
  ): Promise<Pipeline | null>;
  /** The organization's live pipelines with these ids, in id order (null where none). */
  byIds(organizationId: string, ids: readonly string[]): Promise<Array<Pipeline | null>>;
  /** The live stages of each pipeline, in their order, in pipeline order. */
  stagesOf(organizationId: string, pipelineIds: readonly string[]): Promise<PipelineStage[][]>;
  /** The organization's stages with these ids, removed ones included, in id order (null where none). */
  stagesByIds(organizationId: string, ids: readonly string[]): Promise<Array<PipelineStage | null>>;
  /** A page of the organization's live pipelines that match the request's filter, in its order. */
  list(organizationId: string, request: ListRequest): Promise<ListPage<Pipeline>>;
}

/** What the deal list sorts by (the API's DealOrderField). */
export const DEAL_ORDER_FIELDS = [
  'CREATED_AT',
  'UPDATED_AT',
  'NAME',
  'AMOUNT',
  'EXPECTED_CLOSE_DATE',
  'PROBABILITY',
  'CUSTOM_FIELD',
] as const;
export const DealOrderField = enumObject(DEAL_ORDER_FIELDS);
export type DealOrderField = (typeof DEAL_ORDER_FIELDS)[number];

/** What the pipeline list sorts by (the API's PipelineOrderField). */
export const PIPELINE_ORDER_FIELDS = ['CREATED_AT', 'NAME'] as const;
export const PipelineOrderField = enumObject(PIPELINE_ORDER_FIELDS);
export type PipelineOrderField = (typeof PIPELINE_ORDER_FIELDS)[number];

/** Which of a pipeline's live deals a board counts and shows; every condition given must hold. */
export interface BoardFilter {
  ownerId?: string | null;
  contactId?: string | null;
  companyId?: string | null;
  /** Amounts from / to (inclusive), decimal strings; deals without an amount never match. */
  amountFrom?: string | null;
  amountTo?: string | null;
  /** Expected close dates from / to (inclusive); undated deals never match. */
  expectedCloseFrom?: Date | null;
  expectedCloseTo?: Date | null;
  /** Deals with at least one of these tags. */
  tags?: readonly string[] | null;
}

/** How a board orders each stage's deals: newest first, or soonest expected close date first. */
export const BOARD_ORDERS = ['newest', 'expectedCloseDate'] as const;
export const PipelineBoardOrder = enumObject(BOARD_ORDERS);
export type BoardOrder = (typeof BOARD_ORDERS)[number];
export type PipelineBoardOrder = BoardOrder;

/** A stage's deals in one currency: how many, their amounts and their amounts weighted by probability. */
export interface CurrencyTotal {
  currency: string;
  dealCount: number;
  /** Decimal strings; deals without an amount count as 0. */
  amount: string;
  weightedAmount: string;
}

/** One stage of a board. */
export interface BoardColumn {
  stage: PipelineStage;
  dealCount: number;
  totals: CurrencyTotal[];
  /** The first deals of the stage in the board's order. */
  deals: Deal[];
}

export interface Board {
  pipeline: Pipeline;
  columns: BoardColumn[];
}

/**
 * What the deal operations need of storage (infra/deal-repository.ts implements it). Writes lock the
 * pipelines they touch (shared) before the deal's row, like pipeline writes (exclusive) do.
 */
export interface DealRepository {
  /** Reads where a placement request leads (no locks): for checks before writing. */
  placement(organizationId: string, request: PlacementRequest): Promise<PlacementState>;
  /** Stores a new deal and its first history entry; `decide` gets where it goes (its pipeline locked). */
  create(
    organizationId: string,
    request: PlacementRequest,
    decide: (state: PlacementState) => Decided<MovedDeal>,
  ): Promise<Deal>;
  /** Changes a live deal; `decide` gets it locked. Null when there is no such deal. */
  update(organizationId: string, id: string, decide: (current: Deal) => Decided<Deal>): Promise<Deal | null>;
  /**
   * Moves a live deal to a stage: `decide` gets it and where the stage leads (both pipelines locked
   * first), and the move is stored with its history entry. Null when there is no such deal.
   */
  move(
    organizationId: string,
    id: string,
    stageId: string,
    decide: (current: Deal, target: PlacementState) => Decided<MovedDeal>,
  ): Promise<Deal | null>;
  /** Soft-deletes a live deal. Null when there is no such deal. */
  remove(organizationId: string, id: string, decide: (current: Deal) => Decided<Deal>): Promise<Deal | null>;
  /**
   * Restores a deal: `decide` gets it (deleted or not) with its pipeline and stage (locked). Null when
   * there is no such deal.
   */
  restore(
    organizationId: string,
    id: string,
    decide: (
      current: Deal,
      where: { pipeline: Pipeline | null; stage: PipelineStage | null },
    ) => Decided<Deal>,
  ): Promise<Deal | null>;
  /** The organization's live deals with these ids, in id order (null where none). */
  byIds(organizationId: string, ids: readonly string[]): Promise<Array<Deal | null>>;
  /** A page of the organization's live deals that match the request's filter, in its order. */
  list(organizationId: string, request: ListRequest): Promise<ListPage<Deal>>;
  /** For each contact, a page of its live deals, newest first: one statement for any number. */
  ofContacts(
    organizationId: string,
    contactIds: readonly string[],
    request: PageRequest,
  ): Promise<Array<Rows<Deal>>>;
  /** For each user, a page of the live deals they own, newest first: one statement for any number. */
  ownedBy(
    organizationId: string,
    userIds: readonly string[],
    request: PageRequest,
  ): Promise<Array<Rows<Deal>>>;
  /** For each deal, a page of its stage history, latest first: one statement for any number. */
  historyOf(
    organizationId: string,
    dealIds: readonly string[],
    request: PageRequest,
  ): Promise<Array<Rows<DealStageMove>>>;
  /**
   * A live pipeline's board: its live stages in order, each with its live deals' count and totals per
   * currency and its first `first` deals (filter applied to all of it), in two statements however many
   * stages and deals. Null when there is no such pipeline.
   */
  board(
    organizationId: string,
    pipelineId: string,
    filter: BoardFilter,
    request: { first: number; order: BoardOrder },
  ): Promise<Board | null>;
  /** The id of the organization's default pipeline, if it has one. */
  defaultPipelineId(organizationId: string): Promise<string | null>;
  /** Whether the organization has a live (not deleted) contact with this id. */
  hasLiveContact(organizationId: string, contactId: string): Promise<boolean>;
}
