import { randomUUID } from 'node:crypto';
import {
  InputIssues,
  isUuid,
  notFound,
  listRequest,
  organizationOf,
  signedInUser,
  type Actor,
  type ListFilter,
  type ListPage,
  type SortKey,
  type SortKeyInput,
} from '@platform/domain';
import { moveDeal } from './deal';
import type { PipelineRepository } from './deal-repository';
import {
  checkPipelineChanges,
  createPipeline,
  deletePipeline,
  demote,
  draftPipeline,
  pipelineUpdatedEvent,
  updatePipeline,
  type CreatePipelineInput,
  type Pipeline,
  type PipelineStage,
  type PipelineWithStages,
  type UpdatePipelineInput,
} from './pipeline';

const SIGN_IN = 'Sign in to work with pipelines';

/** The pipeline list's order when the caller gives none: oldest first (the order they were set up in). */
export const DEFAULT_PIPELINE_ORDER: readonly SortKey[] = [{ field: 'CREATED_AT', direction: 'ASC' }];

/** The pipeline use cases: who may do what, and what it changes. */
export function pipelineOperations(
  repository: PipelineRepository,
  clock: () => Date = () => new Date(),
  newId: () => string = randomUUID,
) {
  /** Missing, deleted and other organizations' pipelines are all simply "not found". */
  const missing = (id: string) => notFound('Pipeline', id);

  return {
    /** A new pipeline; the default when asked, or when it is the organization's first. */
    async create(actor: Actor, input: CreatePipelineInput): Promise<PipelineWithStages> {
      const caller = signedInUser(actor, SIGN_IN);
      const issues = new InputIssues();
      const draft = draftPipeline(
        { id: newId(), organizationId: caller.organizationId, createdBy: caller.userId },
        input,
        clock(),
        newId,
        issues,
      );
      issues.throwIfAny();
      return repository.create(caller.organizationId, (live) => {
        const { created, demoted, events } = createPipeline(draft, live);
        return { value: { created, demoted }, events };
      });
    },

    /**
     * Changes a pipeline read at `expectedVersion`: its name, currency, whether it is the default, and
     * its stages (the deals of removed stages move to the stages named for them, each with a history
     * entry and a stage_moved event, in the same transaction).
     */
    async update(
      actor: Actor,
      id: string,
      expectedVersion: number,
      input: UpdatePipelineInput,
    ): Promise<Pipeline> {
      const caller = signedInUser(actor, SIGN_IN);
      const issues = new InputIssues();
      // Problems of the stage list show once the pipeline's stages are read: all are reported together.
      const changes = checkPipelineChanges(input, issues);
      if (!isUuid(id)) throw missing(id);
      const updated = await repository.update(
        caller.organizationId,
        id,
        async ({ current, live, dealCounts, dealsIn }) => {
          const now = clock();
          const by = caller.userId;
          const update = updatePipeline(
            current,
            live.map((other) => other.pipeline),
            changes,
            dealCounts,
            { expectedVersion, by, now, newId },
            issues,
          );
          if (!update) return { value: null, events: [] };
          const previousDefault =
            update.pipeline.isDefault && !current.pipeline.isDefault
              ? live.find((other) => other.pipeline.isDefault && other.pipeline.id !== id)
              : undefined;
          const demotion = previousDefault ? demote(previousDefault, by, now) : null;
          const targets = new Map<string, PipelineStage>();
          for (const removal of update.removed)
            if (removal.target) targets.set(removal.stage.id, removal.target);
          const deals = targets.size > 0 ? await dealsIn([...targets.keys()]) : [];
          const moved = deals.flatMap((deal) => {
            const stage = targets.get(deal.stageId);
            if (!stage) return [];
            return [
              moveDeal(
                deal,
                { pipeline: update.pipeline, stage },
                { expectedVersion: null, moveId: newId(), by, now, cause: 'stage_removed' },
                {},
                new InputIssues(),
              ),
            ];
          });
          return {
            value: {
              pipeline: update.pipeline,
              stages: changes.stages ? update.stages : null,
              removed: update.removed.map((removal) => removal.stage),
              demoted: demotion?.pipeline ?? null,
              moved: moved.map(({ deal, move }) => ({ deal, move })),
            },
            events: [
              ...(demotion?.events ?? []),
              pipelineUpdatedEvent(update, moved.length),
              ...moved.flatMap((result) => result.events),
            ],
          };
        },
      );
      if (!updated) throw missing(id);
      return updated;
    },

    /** Soft-deletes a pipeline (CONFLICT while it holds open deals); answers its id. */
    async remove(actor: Actor, id: string): Promise<string> {
      const caller = signedInUser(actor, SIGN_IN);
      if (!isUuid(id)) throw missing(id);
      const now = clock();
      const removed = await repository.remove(caller.organizationId, id, (current, others, openDeals) => {
        const { pipeline, promoted, events } = deletePipeline(current, others, openDeals, caller.userId, now);
        return { value: { pipeline, promoted }, events };
      });
      if (!removed) throw missing(id);
      return id;
    },

    async get(actor: Actor, id: string, load: (id: string) => Promise<Pipeline | null>): Promise<Pipeline> {
      organizationOf(actor, SIGN_IN);
      const pipeline = await load(id);
      if (!pipeline) throw missing(id);
      return pipeline;
    },

    /** A page of the organization's live pipelines matching `filter`, in `orderBy` (oldest first by default). */
    async list(
      actor: Actor,
      args: {
        first?: number | null;
        after?: string | null;
        filter?: ListFilter | null;
        orderBy?: readonly SortKeyInput[] | null;
      },
    ): Promise<ListPage<Pipeline>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      return repository.list(organizationId, listRequest(args, DEFAULT_PIPELINE_ORDER));
    },
  };
}

export type PipelineOperations = ReturnType<typeof pipelineOperations>;
