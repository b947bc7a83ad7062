/**
 * Deal and pipeline rows as Prisma and raw SQL return them, mapped to the domain; the locks every
 * pipeline and deal write takes, in one order (organization's pipeline lock, then pipeline rows, then
 * deal rows), so no two writes wait on each other crosswise.
 */
import { canonicalDecimal } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { Deal, DealStageMove, PlacementRequest, PlacementState } from '../domain/deal';
import type { Pipeline, PipelineStage, PipelineWithStages } from '../domain/pipeline';

export type Transaction = Prisma.TransactionClient;
type PipelineRow = Prisma.PipelineGetPayload<object>;
type StageRow = Prisma.PipelineStageGetPayload<object>;
type DealRow = Prisma.DealGetPayload<object>;
type MoveRow = Prisma.DealStageMoveGetPayload<object>;

const isDecimalLike = (value: unknown): value is { toFixed(): string } =>
  typeof value === 'object' && value !== null && 'toFixed' in value && typeof value.toFixed === 'function';

/** A numeric column as the domain's canonical decimal string (Prisma reads numeric as its Decimal). */
export function decimalText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return canonicalDecimal(value);
  if (typeof value === 'number' || typeof value === 'bigint') return canonicalDecimal(value.toString());
  if (isDecimalLike(value)) return canonicalDecimal(value.toFixed());
  throw new TypeError('not a decimal column');
}

const jsonObject = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value } : {};

export const toPipeline = (row: PipelineRow): Pipeline => ({
  id: row.id,
  organizationId: row.organizationId,
  name: row.name,
  currency: row.currency,
  isDefault: row.isDefault,
  version: row.version,
  createdBy: row.createdBy,
  updatedBy: row.updatedBy,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  deletedAt: row.deletedAt,
});

export const toStage = (row: StageRow): PipelineStage => ({
  id: row.id,
  organizationId: row.organizationId,
  pipelineId: row.pipelineId,
  name: row.name,
  position: row.position,
  probability: row.probability,
  kind: row.kind,
  createdAt: row.createdAt,
  removedAt: row.removedAt,
});

export const toDeal = (row: DealRow): Deal => ({
  id: row.id,
  organizationId: row.organizationId,
  pipelineId: row.pipelineId,
  stageId: row.stageId,
  name: row.name,
  description: row.description,
  amount: decimalText(row.amount),
  currency: row.currency,
  probability: row.probability,
  expectedCloseDate: row.expectedCloseDate,
  actualCloseDate: row.actualCloseDate,
  status: row.status,
  lostReason: row.lostReason,
  contactId: row.contactId,
  companyId: row.companyId,
  ownerId: row.ownerId,
  tags: row.tags,
  customFields: jsonObject(row.customFields),
  version: row.version,
  stageEnteredAt: row.stageEnteredAt,
  createdBy: row.createdBy,
  updatedBy: row.updatedBy,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  deletedAt: row.deletedAt,
});

export const toMove = (row: MoveRow): DealStageMove => ({
  id: row.id,
  organizationId: row.organizationId,
  dealId: row.dealId,
  fromStageId: row.fromStageId,
  toStageId: row.toStageId,
  movedBy: row.movedBy,
  createdAt: row.createdAt,
});

/** A deal row as PostgreSQL names its columns (raw statements). */
export interface DealColumns extends Record<string, unknown> {
  id: string;
  organization_id: string;
  pipeline_id: string;
  stage_id: string;
  name: string;
  description: string | null;
  amount: unknown;
  currency: string;
  probability: number;
  expected_close_date: Date | null;
  actual_close_date: Date | null;
  status: Deal['status'];
  lost_reason: string | null;
  contact_id: string | null;
  company_id: string | null;
  owner_id: string | null;
  tags: string[] | null;
  custom_fields: unknown;
  version: number;
  stage_entered_at: Date;
  created_by: string;
  updated_by: string;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export const fromDealColumns = (row: DealColumns): Deal => ({
  id: row.id,
  organizationId: row.organization_id,
  pipelineId: row.pipeline_id,
  stageId: row.stage_id,
  name: row.name,
  description: row.description,
  amount: decimalText(row.amount),
  currency: row.currency,
  probability: row.probability,
  expectedCloseDate: row.expected_close_date,
  actualCloseDate: row.actual_close_date,
  status: row.status,
  lostReason: row.lost_reason,
  contactId: row.contact_id,
  companyId: row.company_id,
  ownerId: row.owner_id,
  tags: row.tags ?? [],
  customFields: jsonObject(row.custom_fields),
  version: row.version,
  stageEnteredAt: row.stage_entered_at,
  createdBy: row.created_by,
  updatedBy: row.updated_by,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  deletedAt: row.deleted_at,
});

/** A stage history row as PostgreSQL names its columns. */
export interface MoveColumns extends Record<string, unknown> {
  id: string;
  organization_id: string;
  deal_id: string;
  from_stage_id: string | null;
  to_stage_id: string;
  moved_by: string;
  created_at: Date;
}

export const fromMoveColumns = (row: MoveColumns): DealStageMove => ({
  id: row.id,
  organizationId: row.organization_id,
  dealId: row.deal_id,
  fromStageId: row.from_stage_id,
  toStageId: row.to_stage_id,
  movedBy: row.moved_by,
  createdAt: row.created_at,
});

/** The columns a deal's write sets (all but its identity and creation). */
export function dealData(deal: Deal) {
  return {
    pipelineId: deal.pipelineId,
    stageId: deal.stageId,
    name: deal.name,
    description: deal.description,
    amount: deal.amount,
    currency: deal.currency,
    probability: deal.probability,
    expectedCloseDate: deal.expectedCloseDate,
    actualCloseDate: deal.actualCloseDate,
    status: deal.status,
    lostReason: deal.lostReason,
    contactId: deal.contactId,
    companyId: deal.companyId,
    ownerId: deal.ownerId,
    tags: deal.tags,
    customFields: deal.customFields as Prisma.InputJsonObject,
    version: deal.version,
    stageEnteredAt: deal.stageEnteredAt,
    updatedBy: deal.updatedBy,
    updatedAt: deal.updatedAt,
    deletedAt: deal.deletedAt,
  };
}

export function pipelineData(pipeline: Pipeline) {
  return {
    name: pipeline.name,
    currency: pipeline.currency,
    isDefault: pipeline.isDefault,
    version: pipeline.version,
    updatedBy: pipeline.updatedBy,
    updatedAt: pipeline.updatedAt,
    deletedAt: pipeline.deletedAt,
  };
}

/**
 * The organization's pipeline lock, until the transaction ends: pipeline writes take turns, so a
 * name's uniqueness and the one default are decided on what the previous write committed.
 */
export async function lockOrganizationPipelines(tx: Transaction, organizationId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`crm.pipelines|${organizationId}`}, 0))`;
}

/**
 * Locks pipeline rows in id order: exclusively for a pipeline write, shared for deal writes (which may
 * run side by side, but not beside a change of the stages they depend on).
 */
export async function lockPipelines(
  tx: Transaction,
  organizationId: string,
  ids: readonly string[],
  mode: 'share' | 'update',
): Promise<void> {
  const unique = [...new Set(ids)].sort();
  if (unique.length === 0) return;
  if (mode === 'update') {
    await tx.$queryRaw`SELECT id FROM pipelines WHERE organization_id = ${organizationId}::uuid
      AND id = ANY(${unique}::uuid[]) ORDER BY id FOR UPDATE`;
  } else {
    await tx.$queryRaw`SELECT id FROM pipelines WHERE organization_id = ${organizationId}::uuid
      AND id = ANY(${unique}::uuid[]) ORDER BY id FOR SHARE`;
  }
}

/** The organization's live pipelines with their live stages in order. */
export async function livePipelines(tx: Transaction, organizationId: string): Promise<PipelineWithStages[]> {
  const rows = await tx.pipeline.findMany({
    where: { organizationId, deletedAt: null },
    include: { stages: { where: { removedAt: null }, orderBy: { position: 'asc' } } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map((row) => ({ pipeline: toPipeline(row), stages: row.stages.map(toStage) }));
}

/** The pipeline id a placement request leads to (the stage's, the named one, or the default). */
async function placementPipelineId(
  tx: Transaction,
  organizationId: string,
  request: PlacementRequest,
): Promise<string | null> {
  if (request.stageId) {
    const stage = await tx.pipelineStage.findFirst({
      where: { id: request.stageId, organizationId },
      select: { pipelineId: true },
    });
    return stage?.pipelineId ?? null;
  }
  if (request.pipelineId) return request.pipelineId;
  const found = await tx.pipeline.findFirst({
    where: { organizationId, isDefault: true, deletedAt: null },
    select: { id: true },
  });
  return found?.id ?? null;
}

/**
 * What a placement request leads to. With `lock`, the pipeline's row is locked (shared) before its
 * stages are read, so they cannot change until the transaction ends; a default pipeline that stopped
 * being it meanwhile is looked up again.
 */
export async function placementState(
  tx: Transaction,
  organizationId: string,
  request: PlacementRequest,
  lock: boolean,
): Promise<PlacementState> {
  for (;;) {
    const pipelineId = await placementPipelineId(tx, organizationId, request);
    if (pipelineId === null) return { stage: null, pipeline: null, stages: [] };
    if (lock) await lockPipelines(tx, organizationId, [pipelineId], 'share');
    const [pipeline, stages, stage] = await Promise.all([
      tx.pipeline.findFirst({ where: { id: pipelineId, organizationId } }),
      tx.pipelineStage.findMany({
        where: { organizationId, pipelineId, removedAt: null },
        orderBy: { position: 'asc' },
      }),
      request.stageId
        ? tx.pipelineStage.findFirst({ where: { id: request.stageId, organizationId } })
        : Promise.resolve(null),
    ]);
    const isDefaultRequest = !request.stageId && !request.pipelineId;
    if (lock && isDefaultRequest && pipeline && (!pipeline.isDefault || pipeline.deletedAt)) continue;
    return {
      stage: stage ? toStage(stage) : null,
      pipeline: pipeline ? toPipeline(pipeline) : null,
      stages: stages.map(toStage),
    };
  }
}

/** Whether a write may see a deleted deal. */
export type DealVisibility = 'live' | 'any';

/**
 * Reads a deal, locks its pipeline and `otherPipelineIds` (shared), then its row: a deal that moved to
 * another pipeline between the read and the lock is read again under the locks it now needs. Null when
 * there is no such deal.
 */
export async function lockDeal(
  tx: Transaction,
  organizationId: string,
  id: string,
  visibility: DealVisibility,
  otherPipelineIds: readonly string[] = [],
): Promise<Deal | null> {
  const where = { id, organizationId, ...(visibility === 'live' ? { deletedAt: null } : {}) };
  for (;;) {
    const seen = await tx.deal.findFirst({ where, select: { pipelineId: true } });
    if (!seen) return null;
    await lockPipelines(tx, organizationId, [seen.pipelineId, ...otherPipelineIds], 'share');
    const locked = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM deals WHERE id = ${id}::uuid AND organization_id = ${organizationId}::uuid FOR UPDATE`;
    if (locked.length === 0) return null;
    const current = await tx.deal.findFirst({ where });
    if (!current) return null;
    if (current.pipelineId === seen.pipelineId) return toDeal(current);
  }
}

/** Stores new stage history entries. */
export async function insertMoves(tx: Transaction, moves: readonly DealStageMove[]): Promise<void> {
  if (moves.length === 0) return;
  await tx.dealStageMove.createMany({
    data: moves.map((move) => ({
      id: move.id,
      organizationId: move.organizationId,
      dealId: move.dealId,
      fromStageId: move.fromStageId,
      toStageId: move.toStageId,
      movedBy: move.movedBy,
      createdAt: move.createdAt,
    })),
  });
}

const isoDate = (date: Date | null) => (date ? date.toISOString().slice(0, 10) : null);

/**
 * Stores what moves change of deals (stage, pipeline, status, probability, close date, lost reason,
 * version) in one statement however many deals moved, and their history entries in another.
 */
export async function writeMovedDeals(
  tx: Transaction,
  organizationId: string,
  moved: ReadonlyArray<{ deal: Deal; move: DealStageMove }>,
): Promise<void> {
  if (moved.length === 0) return;
  const deals = moved.map(({ deal }) => deal);
  await tx.$executeRaw`
    UPDATE deals AS d SET
      pipeline_id = v.pipeline_id, stage_id = v.stage_id, status = v.status::"DealStatus",
      probability = v.probability, actual_close_date = v.actual_close_date::date, lost_reason = v.lost_reason,
      stage_entered_at = v.stage_entered_at::timestamptz, version = v.version, updated_by = v.updated_by,
      updated_at = v.updated_at::timestamptz
    FROM unnest(
      ${deals.map((deal) => deal.id)}::uuid[],
      ${deals.map((deal) => deal.pipelineId)}::uuid[],
      ${deals.map((deal) => deal.stageId)}::uuid[],
      ${deals.map((deal) => deal.status)}::text[],
      ${deals.map((deal) => deal.probability)}::int[],
      ${deals.map((deal) => isoDate(deal.actualCloseDate))}::text[],
      ${deals.map((deal) => deal.lostReason)}::text[],
      ${deals.map((deal) => deal.stageEnteredAt.toISOString())}::text[],
      ${deals.map((deal) => deal.version)}::int[],
      ${deals.map((deal) => deal.updatedBy)}::uuid[],
      ${deals.map((deal) => deal.updatedAt.toISOString())}::text[]
    ) AS v(id, pipeline_id, stage_id, status, probability, actual_close_date, lost_reason, stage_entered_at,
           version, updated_by, updated_at)
    WHERE d.id = v.id AND d.organization_id = ${organizationId}::uuid`;
  await insertMoves(
    tx,
    moved.map(({ move }) => move),
  );
}
