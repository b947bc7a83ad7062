import { pageRequest } from '@platform/domain';
import { toConnection } from '@platform/service-kit';
import type { DealResolvers } from '../../../generated/graphql';
import { weightedAmount } from '../domain/money';

export const Deal: DealResolvers = {
  __resolveReference: (reference, { dealById }) => dealById.load(reference.id),
  weightedAmount: (deal) => (deal.amount === null ? null : weightedAmount(deal.amount, deal.probability)),
  /** Batched by the module's loaders; a deleted pipeline reads as null. */
  pipeline: (deal, _args, { pipelineById }) => pipelineById.load(deal.pipelineId),
  stage: async (deal, _args, { stageById }) => {
    const stage = await stageById.load(deal.stageId);
    if (!stage) throw new Error(`deal ${deal.id} is in no stage`);
    return stage;
  },
  /** crm's own contact, batched by the contact module's loader; a deleted contact reads as null. */
  contact: (deal, _args, { contactById }) => (deal.contactId ? contactById.load(deal.contactId) : null),
  /** References the identity subgraph resolves (batched there). */
  owner: (deal) => (deal.ownerId ? { id: deal.ownerId } : null),
  createdBy: (deal) => ({ id: deal.createdBy }),
  updatedBy: (deal) => ({ id: deal.updatedBy }),
  /** Batched: the histories of N deals cost what one deal's costs. */
  stageHistory: async (deal, { first, after }, { stageHistoryByDeal }) =>
    toConnection(await stageHistoryByDeal.load({ parentId: deal.id, request: pageRequest(first, after) })),
};
