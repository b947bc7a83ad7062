// What the generated resolver types use as parents (see @platform/codegen).
import type { Deal, DealStageMove } from './domain/deal';
import type { Board, BoardColumn, CurrencyTotal as Total } from './domain/deal-repository';
import type { Pipeline, PipelineStage } from './domain/pipeline';

export type PipelineMapper = Pipeline;
export type PipelineStageMapper = PipelineStage;
export type DealMapper = Deal;
export type DealStageMoveMapper = DealStageMove;
export type PipelineBoardMapper = Board;
export type PipelineBoardColumnMapper = BoardColumn;
export type CurrencyTotalMapper = Total;
export { DealStatus } from './domain/deal';
export { DealOrderField, PipelineBoardOrder, PipelineOrderField } from './domain/deal-repository';
export { PipelineStageKind } from './domain/pipeline';
