import { checkCustomFields } from '../../custom-field/infra/custom-field-values';
import { ensureLiveCompany } from '../../company/infra/company-references';
import { mapListPage } from '@platform/domain';
import { listPage, orderByKeys, pagesByParent, uuidsOnly, type TenantDatabase } from '@platform/service-kit';
import { Prisma } from '../../../generated/prisma/client';
import type {
  Board,
  BoardColumn,
  BoardFilter,
  BoardOrder,
  DealRepository,
  Decided,
} from '../domain/deal-repository';
import type { Deal } from '../domain/deal';
import type { PipelineStage } from '../domain/pipeline';
import { DEAL_LIST_SPEC } from './deal-list';
import {
  dealData,
  decimalText,
  fromDealColumns,
  fromMoveColumns,
  insertMoves,
  lockDeal,
  placementState,
  toDeal,
  toPipeline,
  toStage,
  writeMovedDeals,
  type DealColumns,
  type MoveColumns,
  type Transaction,
} from './deal-rows';

/** A board's filter as SQL conditions on `deals d`, ANDed. */
function filterSql(filter: BoardFilter): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  if (filter.ownerId) conditions.push(Prisma.sql`d.owner_id = ${filter.ownerId}::uuid`);
  if (filter.contactId) conditions.push(Prisma.sql`d.contact_id = ${filter.contactId}::uuid`);
  if (filter.companyId) conditions.push(Prisma.sql`d.company_id = ${filter.companyId}::uuid`);
  if (filter.amountFrom) conditions.push(Prisma.sql`d.amount >= ${filter.amountFrom}::numeric`);
  if (filter.amountTo) conditions.push(Prisma.sql`d.amount <= ${filter.amountTo}::numeric`);
  const day = (date: Date) => date.toISOString().slice(0, 10);
  if (filter.expectedCloseFrom)
    conditions.push(Prisma.sql`d.expected_close_date >= ${day(filter.expectedCloseFrom)}::date`);
  if (filter.expectedCloseTo)
    conditions.push(Prisma.sql`d.expected_close_date <= ${day(filter.expectedCloseTo)}::date`);
  if (filter.tags && filter.tags.length > 0)
    conditions.push(Prisma.sql`d.tags && ${[...filter.tags]}::text[]`);
  return conditions.length > 0 ? Prisma.sql` AND ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
}

/** Each stage's deals in the board's order (id breaks ties, so pages are stable). */
const boardOrderSql = (order: BoardOrder): Prisma.Sql =>
  order === 'expectedCloseDate'
    ? Prisma.sql`d.expected_close_date ASC NULLS LAST, d.created_at DESC, d.id DESC`
    : Prisma.sql`d.created_at DESC, d.id DESC`;

/** A row of the board's first statement: a live stage, its pipeline, and its totals in one currency. */
interface StageTotalsRow {
  p_id: string;
  p_organization_id: string;
  p_name: string;
  p_currency: string;
  p_is_default: boolean;
  p_version: number;
  p_created_by: string;
  p_updated_by: string;
  p_created_at: Date;
  p_updated_at: Date;
  id: string;
  organization_id: string;
  pipeline_id: string;
  name: string;
  position: number;
  probability: number;
  kind: PipelineStage['kind'];
  created_at: Date;
  total_currency: string | null;
  deal_count: number | null;
  amount: unknown;
  weighted_amount: unknown;
}

/**
 * The board in two statements, whatever the number of stages and deals: (1) the pipeline's live stages
 * joined with their deals' count, sum and weighted sum per currency (one aggregate over the pipeline's
 * deals), and (2) each stage's first deals, numbered per stage by a window function. Null when the
 * pipeline is not a live one of the organization (every pipeline has stages, so no row means none).
 */
async function readBoard(
  tx: Transaction,
  organizationId: string,
  pipelineId: string,
  filter: BoardFilter,
  request: { first: number; order: BoardOrder },
): Promise<Board | null> {
  const where = filterSql(filter);
  const [stageRows, dealRows] = await Promise.all([
    tx.$queryRaw<StageTotalsRow[]>`
      SELECT
        p.id AS p_id, p.organization_id AS p_organization_id, p.name AS p_name, p.currency AS p_currency,
        p.is_default AS p_is_default, p.version AS p_version, p.created_by AS p_created_by,
        p.updated_by AS p_updated_by, p.created_at AS p_created_at, p.updated_at AS p_updated_at,
        s.id, s.organization_id, s.pipeline_id, s.name, s.position, s.probability, s.kind::text AS kind,
        s.created_at, t.currency AS total_currency, t.deal_count, t.amount, t.weighted_amount
      FROM pipelines p
      JOIN pipeline_stages s ON s.pipeline_id = p.id AND s.removed_at IS NULL
      LEFT JOIN (
        SELECT d.stage_id, d.currency, count(*)::int AS deal_count,
          coalesce(sum(d.amount), 0) AS amount,
          coalesce(sum(round(d.amount * d.probability / 100, 4)), 0) AS weighted_amount
        FROM deals d
        WHERE d.organization_id = ${organizationId}::uuid AND d.pipeline_id = ${pipelineId}::uuid
          AND d.deleted_at IS NULL${where}
        GROUP BY d.stage_id, d.currency
      ) t ON t.stage_id = s.id
      WHERE p.organization_id = ${organizationId}::uuid AND p.id = ${pipelineId}::uuid AND p.deleted_at IS NULL
      ORDER BY s.position, t.currency`,
    tx.$queryRaw<DealColumns[]>`
      SELECT * FROM (
        SELECT d.*, row_number() OVER (PARTITION BY d.stage_id ORDER BY ${boardOrderSql(request.order)}) AS board_rank
        FROM deals d
        WHERE d.organization_id = ${organizationId}::uuid AND d.pipeline_id = ${pipelineId}::uuid
          AND d.deleted_at IS NULL${where}
      ) ranked
      WHERE board_rank <= ${request.first}
      ORDER BY stage_id, board_rank`,
  ]);
  const [first] = stageRows;
  if (!first) return null;
  const columns = new Map<string, BoardColumn>();
  for (const row of stageRows) {
    const column = columns.get(row.id) ?? {
      stage: toStage({
        id: row.id,
        organizationId: row.organization_id,
        pipelineId: row.pipeline_id,
        name: row.name,
        position: row.position,
        probability: row.probability,
        kind: row.kind,
        createdAt: row.created_at,
        removedAt: null,
      }),
      dealCount: 0,
      totals: [],
      deals: [],
    };
    columns.set(row.id, column);
    if (row.total_currency !== null && row.deal_count !== null) {
      column.dealCount += row.deal_count;
      column.totals.push({
        currency: row.total_currency,
        dealCount: row.deal_count,
        amount: decimalText(row.amount) ?? '0',
        weightedAmount: decimalText(row.weighted_amount) ?? '0',
      });
    }
  }
  for (const row of dealRows) columns.get(row.stage_id)?.deals.push(fromDealColumns(row));
  return {
    pipeline: toPipeline({
      id: first.p_id,
      organizationId: first.p_organization_id,
      name: first.p_name,
      currency: first.p_currency,
      isDefault: first.p_is_default,
      version: first.p_version,
      createdBy: first.p_created_by,
      updatedBy: first.p_updated_by,
      createdAt: first.p_created_at,
      updatedAt: first.p_updated_at,
      deletedAt: null,
    }),
    columns: [...columns.values()],
  };
}

/** Deals over Prisma; every call runs in the organization's tenant transaction. */
export function dealRepository(db: TenantDatabase<Transaction>): DealRepository {
  const byParent =
    (parentColumn: 'contact_id' | 'owner_id' | 'company_id') =>
    (
      organizationId: string,
      parentIds: readonly string[],
      request: Parameters<DealRepository['ofContacts']>[2],
    ) =>
      db.read(organizationId, async (tx) => {
        const pages = await pagesByParent<DealColumns>(tx, {
          table: 'deals',
          parentColumn,
          organizationId,
          parentIds,
          request,
          where: 'deleted_at IS NULL',
        });
        return pages.map(({ rows, totalCount }) => ({ rows: rows.map(fromDealColumns), totalCount }));
      });

  return {
    placement: (organizationId, request) =>
      db.read(organizationId, (tx) => placementState(tx, organizationId, request, false)),

    create: (organizationId, request, decide) =>
      db.writeDecided(organizationId, async (tx) => {
        const state = await placementState(tx, organizationId, request, true);
        const { value, events } = decide(state);
        const { move } = value;
        await ensureLiveCompany(tx, organizationId, value.deal.companyId);
        // The custom field values, checked against the organization's deal fields (defaults filled).
        const deal = {
          ...value.deal,
          customFields: await checkCustomFields(tx, organizationId, 'deal', value.deal.customFields, {
            entityId: value.deal.id,
            creating: true,
          }),
        };
        const row = await tx.deal.create({
          data: {
            ...dealData(deal),
            id: deal.id,
            organizationId: deal.organizationId,
            createdBy: deal.createdBy,
            createdAt: deal.createdAt,
          },
        });
        await insertMoves(tx, [move]);
        return { value: toDeal(row), events };
      }),

    update: (organizationId, id, decide) =>
      db.writeDecided(organizationId, async (tx): Promise<Decided<Deal | null>> => {
        const current = await lockDeal(tx, organizationId, id, 'live');
        if (!current) return { value: null, events: [] };
        const decided = decide(current);
        const { events } = decided;
        if (events.length === 0) return decided;
        if (decided.value.companyId !== current.companyId) {
          await ensureLiveCompany(tx, organizationId, decided.value.companyId);
        }
        // Changed custom field values are checked against the organization's deal fields.
        const value =
          JSON.stringify(decided.value.customFields) === JSON.stringify(current.customFields)
            ? decided.value
            : {
                ...decided.value,
                customFields: await checkCustomFields(
                  tx,
                  organizationId,
                  'deal',
                  decided.value.customFields,
                  {
                    entityId: id,
                    creating: false,
                    stored: current.customFields,
                  },
                ),
              };
        const row = await tx.deal.update({ where: { id }, data: dealData(value) });
        return { value: toDeal(row), events };
      }),

    move: (organizationId, id, stageId, decide) =>
      db.writeDecided(organizationId, async (tx): Promise<Decided<Deal | null>> => {
        const target = await tx.pipelineStage.findFirst({
          where: { id: stageId, organizationId },
          select: { pipelineId: true },
        });
        const current = await lockDeal(tx, organizationId, id, 'live', target ? [target.pipelineId] : []);
        if (!current) return { value: null, events: [] };
        const state = await placementState(tx, organizationId, { stageId }, false);
        const { value, events } = decide(current, state);
        await writeMovedDeals(tx, organizationId, [value]);
        const row = await tx.deal.findUniqueOrThrow({ where: { id } });
        return { value: toDeal(row), events };
      }),

    remove: (organizationId, id, decide) =>
      db.writeDecided(organizationId, async (tx): Promise<Decided<Deal | null>> => {
        const current = await lockDeal(tx, organizationId, id, 'live');
        if (!current) return { value: null, events: [] };
        const { value, events } = decide(current);
        const row = await tx.deal.update({ where: { id }, data: dealData(value) });
        return { value: toDeal(row), events };
      }),

    restore: (organizationId, id, decide) =>
      db.writeDecided(organizationId, async (tx): Promise<Decided<Deal | null>> => {
        const current = await lockDeal(tx, organizationId, id, 'any');
        if (!current) return { value: null, events: [] };
        const [pipeline, stage] = await Promise.all([
          tx.pipeline.findFirst({ where: { id: current.pipelineId, organizationId } }),
          tx.pipelineStage.findFirst({ where: { id: current.stageId, organizationId } }),
        ]);
        const { value, events } = decide(current, {
          pipeline: pipeline ? toPipeline(pipeline) : null,
          stage: stage ? toStage(stage) : null,
        });
        const row = await tx.deal.update({ where: { id }, data: dealData(value) });
        return { value: toDeal(row), events };
      }),

    async byIds(organizationId, ids) {
      const rows = await db.read(organizationId, (tx) =>
        tx.deal.findMany({ where: { organizationId, id: { in: uuidsOnly(ids) }, deletedAt: null } }),
      );
      return orderByKeys(ids, rows.map(toDeal), (deal) => deal.id);
    },

    list: (organizationId, request) =>
      db.read(organizationId, async (tx) =>
        mapListPage(
          await listPage<DealColumns>(tx, DEAL_LIST_SPEC, organizationId, request),
          fromDealColumns,
        ),
      ),

    ofContacts: byParent('contact_id'),
    ownedBy: byParent('owner_id'),
    ofCompanies: byParent('company_id'),

    historyOf: (organizationId, dealIds, request) =>
      db.read(organizationId, async (tx) => {
        const pages = await pagesByParent<MoveColumns>(tx, {
          table: 'deal_stage_history',
          parentColumn: 'deal_id',
          organizationId,
          parentIds: dealIds,
          request,
        });
        return pages.map(({ rows, totalCount }) => ({ rows: rows.map(fromMoveColumns), totalCount }));
      }),

    board: (organizationId, pipelineId, filter, request) =>
      db.read(organizationId, (tx) => readBoard(tx, organizationId, pipelineId, filter, request)),

    async defaultPipelineId(organizationId) {
      const found = await db.read(organizationId, (tx) =>
        tx.pipeline.findFirst({
          where: { organizationId, isDefault: true, deletedAt: null },
          select: { id: true },
        }),
      );
      return found?.id ?? null;
    },

    async hasLiveContact(organizationId, contactId) {
      const found = await db.read(organizationId, (tx) =>
        tx.contact.count({ where: { id: contactId, organizationId, deletedAt: null } }),
      );
      return found > 0;
    },
  };
}
