import { mapListPage } from '@platform/domain';
import { listPage, orderByKeys, uuidsOnly, type ListSpec, type TenantDatabase } from '@platform/service-kit';
import type { Deal } from '../domain/deal';
import type { Decided, PipelineRepository, PipelineWrite } from '../domain/deal-repository';
import type { Pipeline, PipelineStage, PipelineWithStages } from '../domain/pipeline';
import {
  livePipelines,
  lockOrganizationPipelines,
  lockPipelines,
  pipelineData,
  toDeal,
  toPipeline,
  toStage,
  writeMovedDeals,
  type Transaction,
} from './deal-rows';

/** How the pipeline list filters and sorts (the API's PipelineFilter and PipelineOrderField). */
const PIPELINE_LIST_SPEC: ListSpec = {
  table: 'pipelines',
  where: 't.deleted_at IS NULL',
  filters: {
    id: { column: 'id', type: 'uuid' },
    name: { column: 'name', type: 'text' },
    currency: { column: 'currency', type: 'text' },
    createdAt: { column: 'created_at', type: 'timestamptz' },
  },
  sorts: {
    CREATED_AT: { column: 'created_at', type: 'timestamptz' },
    NAME: { column: 'name', type: 'text' },
  },
};

/** A pipeline row as PostgreSQL names its columns (what listPage returns). */
interface PipelineColumns extends Record<string, unknown> {
  id: string;
  organization_id: string;
  name: string;
  currency: string;
  is_default: boolean;
  version: number;
  created_by: string;
  updated_by: string;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

const fromPipelineColumns = (row: PipelineColumns): Pipeline =>
  toPipeline({
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    currency: row.currency,
    isDefault: row.is_default,
    version: row.version,
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  });

const stageData = (stage: PipelineStage) => ({
  name: stage.name,
  position: stage.position,
  probability: stage.probability,
  kind: stage.kind,
  removedAt: stage.removedAt,
});

async function savePipeline(tx: Transaction, pipeline: Pipeline): Promise<void> {
  await tx.pipeline.update({ where: { id: pipeline.id }, data: pipelineData(pipeline) });
}

/**
 * Writes a pipeline's live stages in their new order and marks removed ones: kept stages are updated,
 * new ones inserted. Places and names may collide on the way (a reorder, a swap of names); the
 * constraints on them are checked at commit.
 */
async function saveStages(
  tx: Transaction,
  pipelineId: string,
  stages: readonly PipelineStage[],
  removed: readonly PipelineStage[],
): Promise<void> {
  const existing = new Set(
    (await tx.pipelineStage.findMany({ where: { pipelineId }, select: { id: true } })).map((row) => row.id),
  );
  for (const stage of [...removed, ...stages.filter((candidate) => existing.has(candidate.id))]) {
    await tx.pipelineStage.update({ where: { id: stage.id }, data: stageData(stage) });
  }
  const added = stages.filter((stage) => !existing.has(stage.id));
  if (added.length > 0) {
    await tx.pipelineStage.createMany({
      data: added.map((stage) => ({
        ...stageData(stage),
        id: stage.id,
        organizationId: stage.organizationId,
        pipelineId: stage.pipelineId,
        createdAt: stage.createdAt,
      })),
    });
  }
}

/** Pipelines over Prisma; every call runs in the organization's tenant transaction. */
export function pipelineRepository(db: TenantDatabase<Transaction>): PipelineRepository {
  /** The live pipeline with this id, locked exclusively (after the organization's lock), or null. */
  async function lockLive(
    tx: Transaction,
    organizationId: string,
    id: string,
  ): Promise<{ current: PipelineWithStages; live: PipelineWithStages[] } | null> {
    await lockOrganizationPipelines(tx, organizationId);
    await lockPipelines(tx, organizationId, [id], 'update');
    const live = await livePipelines(tx, organizationId);
    const current = live.find((candidate) => candidate.pipeline.id === id);
    return current ? { current, live } : null;
  }

  return {
    create: (organizationId, decide) =>
      db.writeDecided(organizationId, async (tx) => {
        await lockOrganizationPipelines(tx, organizationId);
        const { value, events } = decide(await livePipelines(tx, organizationId));
        // The default moves first: one live default per organization at every statement.
        if (value.demoted) await savePipeline(tx, value.demoted);
        const { pipeline, stages } = value.created;
        await tx.pipeline.create({
          data: {
            ...pipelineData(pipeline),
            id: pipeline.id,
            organizationId: pipeline.organizationId,
            createdBy: pipeline.createdBy,
            createdAt: pipeline.createdAt,
          },
        });
        await saveStages(tx, pipeline.id, stages, []);
        return { value: value.created, events };
      }),

    update: (organizationId, id, decide) =>
      db.writeDecided(organizationId, async (tx): Promise<Decided<Pipeline | null>> => {
        const locked = await lockLive(tx, organizationId, id);
        if (!locked) return { value: null, events: [] };
        const counts = await tx.deal.groupBy({
          by: ['stageId'],
          where: { organizationId, pipelineId: id },
          _count: { _all: true },
        });
        const dealsIn = async (stageIds: readonly string[]): Promise<Deal[]> => {
          const rows = await tx.$queryRaw<Array<{ id: string }>>`
            SELECT id FROM deals WHERE organization_id = ${organizationId}::uuid
              AND stage_id = ANY(${[...stageIds]}::uuid[]) ORDER BY id FOR UPDATE`;
          const deals = await tx.deal.findMany({ where: { id: { in: rows.map((row) => row.id) } } });
          return deals.map(toDeal);
        };
        const decided = await decide({
          current: locked.current,
          live: locked.live,
          dealCounts: new Map(counts.map((row) => [row.stageId, row._count._all])),
          dealsIn,
        });
        const write: PipelineWrite | null = decided.value;
        if (!write) return { value: locked.current.pipeline, events: [] };
        if (write.demoted) await savePipeline(tx, write.demoted);
        await savePipeline(tx, write.pipeline);
        if (write.stages) await saveStages(tx, id, write.stages, write.removed);
        await writeMovedDeals(tx, organizationId, write.moved);
        return { value: write.pipeline, events: decided.events };
      }),

    remove: (organizationId, id, decide) =>
      db.writeDecided(organizationId, async (tx): Promise<Decided<Pipeline | null>> => {
        const locked = await lockLive(tx, organizationId, id);
        if (!locked) return { value: null, events: [] };
        const openDeals = await tx.deal.count({
          where: { organizationId, pipelineId: id, status: 'open', deletedAt: null },
        });
        const others = locked.live.filter((other) => other.pipeline.id !== id);
        const { value, events } = decide(locked.current, others, openDeals);
        // The deleted one stops being the default before its successor becomes it.
        await savePipeline(tx, value.pipeline);
        if (value.promoted) await savePipeline(tx, value.promoted);
        return { value: value.pipeline, events };
      }),

    async byIds(organizationId, ids) {
      const rows = await db.read(organizationId, (tx) =>
        tx.pipeline.findMany({ where: { organizationId, id: { in: uuidsOnly(ids) }, deletedAt: null } }),
      );
      return orderByKeys(ids, rows.map(toPipeline), (pipeline) => pipeline.id);
    },

    async stagesOf(organizationId, pipelineIds) {
      const rows = await db.read(organizationId, (tx) =>
        tx.pipelineStage.findMany({
          where: { organizationId, pipelineId: { in: uuidsOnly(pipelineIds) }, removedAt: null },
          orderBy: [{ pipelineId: 'asc' }, { position: 'asc' }],
        }),
      );
      const byPipeline = new Map<string, PipelineStage[]>();
      for (const row of rows) {
        const stages = byPipeline.get(row.pipelineId) ?? [];
        stages.push(toStage(row));
        byPipeline.set(row.pipelineId, stages);
      }
      return pipelineIds.map((id) => byPipeline.get(id) ?? []);
    },

    async stagesByIds(organizationId, ids) {
      const rows = await db.read(organizationId, (tx) =>
        tx.pipelineStage.findMany({ where: { organizationId, id: { in: uuidsOnly(ids) } } }),
      );
      return orderByKeys(ids, rows.map(toStage), (stage) => stage.id);
    },

    list: (organizationId, request) =>
      db.read(organizationId, async (tx) =>
        mapListPage(
          await listPage<PipelineColumns>(tx, PIPELINE_LIST_SPEC, organizationId, request),
          fromPipelineColumns,
        ),
      ),
  };
}
