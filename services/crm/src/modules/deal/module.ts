import type { Page } from '@platform/domain';
import { DataLoader, defineModule, pageLoader, type PageKey } from '@platform/service-kit';
import type { CrmDependencies } from '../../service';
import { userReferences } from '../contact/infra/user-references';
import type { Deal as DealModel, DealStageMove as DealStageMoveModel } from './domain/deal';
import { dealOperations, type DealOperations } from './domain/deal-operations';
import type { Pipeline as PipelineModel, PipelineStage as PipelineStageModel } from './domain/pipeline';
import { pipelineOperations, type PipelineOperations } from './domain/pipeline-operations';
import { dealRepository } from './infra/deal-repository';
import { pipelineRepository } from './infra/pipeline-repository';
import { Contact } from './resolvers/Contact';
import { Deal } from './resolvers/Deal';
import { DealStageMove } from './resolvers/DealStageMove';
import { createDeal } from './resolvers/Mutation/createDeal';
import { createPipeline } from './resolvers/Mutation/createPipeline';
import { deleteDeal } from './resolvers/Mutation/deleteDeal';
import { deletePipeline } from './resolvers/Mutation/deletePipeline';
import { moveDeal } from './resolvers/Mutation/moveDeal';
import { restoreDeal } from './resolvers/Mutation/restoreDeal';
import { updateDeal } from './resolvers/Mutation/updateDeal';
import { updatePipeline } from './resolvers/Mutation/updatePipeline';
import { Pipeline } from './resolvers/Pipeline';
import { PipelineBoardColumn } from './resolvers/PipelineBoardColumn';
import { deal } from './resolvers/Query/deal';
import { deals as dealList } from './resolvers/Query/deals';
import { pipeline } from './resolvers/Query/pipeline';
import { pipelineBoard } from './resolvers/Query/pipelineBoard';
import { pipelines as pipelineList } from './resolvers/Query/pipelines';
import { User } from './resolvers/User';

export interface DealModuleContext {
  deals: DealOperations;
  pipelines: PipelineOperations;
  /** The caller's organization's live deals by id (one query per batch). */
  dealById: DataLoader<string, DealModel | null>;
  /** The caller's organization's live pipelines by id (one query per batch). */
  pipelineById: DataLoader<string, PipelineModel | null>;
  /** Live stages by pipeline, in order (one query per batch). */
  stagesByPipeline: DataLoader<string, PipelineStageModel[]>;
  /** Stages by id, removed ones included (one query per batch). */
  stageById: DataLoader<string, PipelineStageModel | null>;
  /** Pages of live deals by primary contact: one query per batch (per distinct first/after). */
  dealsByContact: DataLoader<PageKey, Page<DealModel>, string>;
  /** Pages of live deals by owner: one query per batch (per distinct first/after). */
  dealsByOwner: DataLoader<PageKey, Page<DealModel>, string>;
  /** Pages of stage history by deal: one query per batch (per distinct first/after). */
  stageHistoryByDeal: DataLoader<PageKey, Page<DealStageMoveModel>, string>;
}

export const dealModule = defineModule<CrmDependencies, DealModuleContext>({
  resolvers: {
    Query: { deal, deals: dealList, pipeline, pipelines: pipelineList, pipelineBoard },
    Mutation: {
      createPipeline,
      updatePipeline,
      deletePipeline,
      createDeal,
      updateDeal,
      moveDeal,
      deleteDeal,
      restoreDeal,
    },
    Pipeline,
    Deal,
    DealStageMove,
    PipelineBoardColumn,
    Contact,
    User,
  },
  context: ({ tenants }) => {
    const pipelineStore = pipelineRepository(tenants);
    const dealStore = dealRepository(tenants);
    const pipelines = pipelineOperations(pipelineStore);
    const deals = dealOperations(dealStore, userReferences(tenants));
    return ({ auth }) => {
      const organizationId = auth.organizationId;
      return {
        deals,
        pipelines,
        dealById: new DataLoader((ids: readonly string[]) =>
          organizationId ? dealStore.byIds(organizationId, ids) : Promise.resolve(ids.map(() => null)),
        ),
        pipelineById: new DataLoader((ids: readonly string[]) =>
          organizationId ? pipelineStore.byIds(organizationId, ids) : Promise.resolve(ids.map(() => null)),
        ),
        stagesByPipeline: new DataLoader((ids: readonly string[]) =>
          organizationId ? pipelineStore.stagesOf(organizationId, ids) : Promise.resolve(ids.map(() => [])),
        ),
        stageById: new DataLoader((ids: readonly string[]) =>
          organizationId
            ? pipelineStore.stagesByIds(organizationId, ids)
            : Promise.resolve(ids.map(() => null)),
        ),
        dealsByContact: pageLoader((contactIds, request) => deals.ofContacts(auth, contactIds, request)),
        dealsByOwner: pageLoader((userIds, request) => deals.ownedBy(auth, userIds, request)),
        stageHistoryByDeal: pageLoader((dealIds, request) => deals.historyOf(auth, dealIds, request)),
      };
    };
  },
});
