import type { DealStageMoveResolvers } from '../../../generated/graphql';

export const DealStageMove: DealStageMoveResolvers = {
  /** Stages by id, removed ones included (history may name them), batched. */
  fromStage: (move, _args, { stageById }) => (move.fromStageId ? stageById.load(move.fromStageId) : null),
  toStage: async (move, _args, { stageById }) => {
    const stage = await stageById.load(move.toStageId);
    if (!stage) throw new Error(`stage history entry ${move.id} names no stage`);
    return stage;
  },
  movedBy: (move) => ({ id: move.movedBy }),
  movedAt: (move) => move.createdAt,
};
