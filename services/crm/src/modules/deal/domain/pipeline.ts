/**
 * Pipeline rules (spec 003 Pipeline) and the events they imply. No Prisma or GraphQL here. A pipeline
 * has ordered stages, each with the win probability its deals get and a kind: deals in an open stage
 * are open, in the won stage won, in the lost stage lost. Events carry ids, kinds, positions and
 * probabilities, never pipeline or stage names.
 */
import {
  createEvent,
  PIPELINE_STAGE_KINDS,
  PIPELINE_UPDATABLE_FIELDS,
  type CloudEvent,
  type EventData,
} from '@platform/events/catalog';
import { conflict, enumObject, isUuid, type InputIssues } from '@platform/domain';
import { checkCurrency, DEFAULT_CURRENCY } from './money';

export const PipelineStageKind = enumObject(PIPELINE_STAGE_KINDS);
export type PipelineStageKind = (typeof PIPELINE_STAGE_KINDS)[number];
export type PipelineField = (typeof PIPELINE_UPDATABLE_FIELDS)[number];

export interface Pipeline {
  id: string;
  organizationId: string;
  name: string;
  /** ISO 4217: new deals of the pipeline get it unless they name one. */
  currency: string;
  isDefault: boolean;
  /** Optimistic concurrency: 1 when created, +1 per change. */
  version: number;
  createdBy: string;
  updatedBy: string;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

export interface PipelineStage {
  id: string;
  organizationId: string;
  pipelineId: string;
  name: string;
  /** 0..n-1 among the pipeline's live stages (a removed stage keeps its last one). */
  position: number;
  /** The win probability (%) a deal gets when it enters the stage. */
  probability: number;
  kind: PipelineStageKind;
  createdAt: Date;
  /** Set when the stage was removed from its pipeline; deal history still names it. */
  removedAt: Date | null;
}

/** A pipeline and its live stages in their order. */
export interface PipelineWithStages {
  pipeline: Pipeline;
  stages: PipelineStage[];
}

export type PipelineCreated = CloudEvent<'crm.pipeline.created.v1', EventData<'crm.pipeline.created.v1'>>;
export type PipelineUpdated = CloudEvent<'crm.pipeline.updated.v1', EventData<'crm.pipeline.updated.v1'>>;
export type PipelineDeleted = CloudEvent<'crm.pipeline.deleted.v1', EventData<'crm.pipeline.deleted.v1'>>;
export type PipelineEvent = PipelineCreated | PipelineUpdated | PipelineDeleted;

export const EVENT_SOURCE = '/services/crm';
export const MAX_PIPELINE_NAME_LENGTH = 100;
export const MAX_STAGE_NAME_LENGTH = 64;
/** One open, one won and one lost stage at least; 30 at most (a board of more is no board). */
export const MIN_STAGES = 3;
export const MAX_STAGES = 30;

/** A stage as a caller describes it: `id` names a stage the pipeline keeps (updates only). */
export interface StageInput {
  id?: string | null;
  name: string;
  /** Required for open stages; 100 for won and 0 for lost, which are the only values they take. */
  probability?: number | null;
  /** Defaults to open. */
  kind?: PipelineStageKind | null;
}

/** The stages of a pipeline created without any: a common sales process. */
export const DEFAULT_STAGES: readonly StageInput[] = [
  { name: 'Qualification', probability: 10, kind: PipelineStageKind.open },
  { name: 'Needs analysis', probability: 25, kind: PipelineStageKind.open },
  { name: 'Proposal', probability: 50, kind: PipelineStageKind.open },
  { name: 'Negotiation', probability: 75, kind: PipelineStageKind.open },
  { name: 'Won', kind: PipelineStageKind.won },
  { name: 'Lost', kind: PipelineStageKind.lost },
];

export interface CreatePipelineInput {
  name: string;
  currency?: string | null;
  isDefault?: boolean | null;
  stages?: readonly StageInput[] | null;
}

/** Where the deals of a removed stage go. */
export interface StageDealsMove {
  fromStageId: string;
  toStageId: string;
}

/** What `updatePipeline` changes: a field left undefined stays; `stages` replaces the whole list. */
export interface UpdatePipelineInput {
  name?: string | null;
  currency?: string | null;
  isDefault?: boolean | null;
  stages?: readonly StageInput[] | null;
  moveDeals?: readonly StageDealsMove[] | null;
}

/** The checked changes of an update, before the pipeline is read. */
export interface PipelineChanges {
  name?: string;
  currency?: string;
  isDefault?: true;
  stages?: readonly StageInput[];
  moveDeals: readonly StageDealsMove[];
}

function checkName(issues: InputIssues, path: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length < 1 || trimmed.length > max) issues.add(path, `must be 1–${max} characters`);
  return trimmed;
}

const fold = (name: string) => name.toLowerCase();

/** Whether `name` is taken by another live pipeline of the organization (names compare case-insensitively). */
export function nameTaken(name: string, live: readonly Pipeline[], except?: string): boolean {
  return live.some((pipeline) => pipeline.id !== except && fold(pipeline.name) === fold(name));
}

function nameConflict(name: string) {
  return conflict('Another pipeline of the organization has this name', { field: 'name', name });
}

/**
 * A pipeline's stage list as asked for, checked: names trimmed and unique in the pipeline (case
 * aside), probabilities whole percentages (100 for the won stage and 0 for the lost one, which are
 * their defaults; required for open stages), at least one open stage and exactly one won and one lost
 * stage, 3–30 stages. On an update, an `id` keeps that stage (renamed, re-weighted, moved to its new
 * place); a stage without one is new (`newId` names it). Problems go to `issues` under `path`.
 */
export function planStages(
  input: readonly StageInput[],
  context: { organizationId: string; pipelineId: string; existing: readonly PipelineStage[]; now: Date },
  newId: () => string,
  issues: InputIssues,
  path = 'stages',
): PipelineStage[] {
  if (input.length < MIN_STAGES || input.length > MAX_STAGES)
    issues.add(path, `must have ${MIN_STAGES}–${MAX_STAGES} stages`);
  // A list that long is refused whatever its stages say; they are not read one by one.
  if (input.length > MAX_STAGES) return [];
  const existing = new Map(context.existing.map((stage) => [stage.id, stage]));
  const names = new Set<string>();
  const ids = new Set<string>();
  const stages = input.map((stage, position): PipelineStage => {
    const at = `${path}.${position}`;
    const name = checkName(issues, `${at}.name`, stage.name, MAX_STAGE_NAME_LENGTH);
    if (names.has(fold(name))) issues.add(`${at}.name`, 'is the name of another stage of the pipeline');
    names.add(fold(name));
    const kind = stage.kind ?? PipelineStageKind.open;
    const fixed = kind === PipelineStageKind.won ? 100 : kind === PipelineStageKind.lost ? 0 : null;
    const probability = stage.probability ?? fixed;
    if (probability === null) issues.add(`${at}.probability`, 'is required for an open stage');
    else if (!Number.isInteger(probability) || probability < 0 || probability > 100)
      issues.add(`${at}.probability`, 'must be a whole percentage, 0–100');
    else if (fixed !== null && probability !== fixed)
      issues.add(`${at}.probability`, `must be ${fixed} for a ${kind} stage`);
    let kept: PipelineStage | undefined;
    if (stage.id !== null && stage.id !== undefined) {
      kept = isUuid(stage.id) ? existing.get(stage.id) : undefined;
      if (!kept) issues.add(`${at}.id`, 'is not a stage of this pipeline');
      else if (ids.has(kept.id)) issues.add(`${at}.id`, 'names a stage that is listed already');
      if (kept) ids.add(kept.id);
    }
    return {
      id: kept?.id ?? newId(),
      organizationId: context.organizationId,
      pipelineId: context.pipelineId,
      name,
      position,
      probability: probability ?? 0,
      kind,
      createdAt: kept?.createdAt ?? context.now,
      removedAt: null,
    };
  });
  const count = (kind: PipelineStageKind) => stages.filter((stage) => stage.kind === kind).length;
  if (
    count(PipelineStageKind.open) < 1 ||
    count(PipelineStageKind.won) !== 1 ||
    count(PipelineStageKind.lost) !== 1
  )
    issues.add(path, 'needs at least one open stage, exactly one won stage and exactly one lost stage');
  return stages;
}

const stageSummaries = (stages: readonly PipelineStage[]) =>
  stages.map((stage) => ({
    stageId: stage.id,
    position: stage.position,
    kind: stage.kind,
    probability: stage.probability,
  }));

function pipelineUpdated(
  pipeline: Pipeline,
  stages: readonly PipelineStage[],
  change: { changedFields: PipelineField[]; removedStageIds: string[]; movedDealCount: number },
): PipelineUpdated {
  return createEvent('crm.pipeline.updated.v1', {
    source: EVENT_SOURCE,
    subject: pipeline.id,
    tenantId: pipeline.organizationId,
    time: pipeline.updatedAt,
    data: {
      pipelineId: pipeline.id,
      organizationId: pipeline.organizationId,
      changedFields: change.changedFields,
      version: pipeline.version,
      isDefault: pipeline.isDefault,
      stages: stageSummaries(stages),
      removedStageIds: change.removedStageIds,
      movedDealCount: change.movedDealCount,
      updatedBy: pipeline.updatedBy,
      updatedAt: pipeline.updatedAt.toISOString(),
    },
  });
}

/** A pipeline that stops being the default (another one became it), and its event. */
export function demote(
  pipeline: PipelineWithStages,
  by: string,
  now: Date,
): { pipeline: Pipeline; events: [PipelineUpdated] } {
  const demoted: Pipeline = {
    ...pipeline.pipeline,
    isDefault: false,
    version: pipeline.pipeline.version + 1,
    updatedBy: by,
    updatedAt: now,
  };
  return {
    pipeline: demoted,
    events: [
      pipelineUpdated(demoted, pipeline.stages, {
        changedFields: ['isDefault'],
        removedStageIds: [],
        movedDealCount: 0,
      }),
    ],
  };
}

/** A pipeline that becomes the default (the one before it was deleted), and its event. */
export function promote(
  pipeline: PipelineWithStages,
  by: string,
  now: Date,
): { pipeline: Pipeline; events: [PipelineUpdated] } {
  const promoted: Pipeline = {
    ...pipeline.pipeline,
    isDefault: true,
    version: pipeline.pipeline.version + 1,
    updatedBy: by,
    updatedAt: now,
  };
  return {
    pipeline: promoted,
    events: [
      pipelineUpdated(promoted, pipeline.stages, {
        changedFields: ['isDefault'],
        removedStageIds: [],
        movedDealCount: 0,
      }),
    ],
  };
}

/** Checks a new pipeline's input; problems go to `issues`. Stages default to DEFAULT_STAGES. */
export function draftPipeline(
  ids: { id: string; organizationId: string; createdBy: string },
  input: CreatePipelineInput,
  now: Date,
  newId: () => string,
  issues: InputIssues,
): PipelineWithStages {
  const name = checkName(issues, 'name', input.name, MAX_PIPELINE_NAME_LENGTH);
  const currency =
    input.currency === null || input.currency === undefined
      ? DEFAULT_CURRENCY
      : checkCurrency(issues, 'currency', input.currency);
  const stages = planStages(
    input.stages ?? DEFAULT_STAGES,
    { organizationId: ids.organizationId, pipelineId: ids.id, existing: [], now },
    newId,
    issues,
  );
  return {
    pipeline: {
      id: ids.id,
      organizationId: ids.organizationId,
      name,
      currency,
      isDefault: input.isDefault === true,
      version: 1,
      createdBy: ids.createdBy,
      updatedBy: ids.createdBy,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    },
    stages,
  };
}

/**
 * The drafted pipeline among the organization's live ones: CONFLICT when one of them has its name; the
 * default when asked or when it is the organization's first pipeline, in which case the previous
 * default (if any) stops being it.
 */
export function createPipeline(
  draft: PipelineWithStages,
  live: readonly PipelineWithStages[],
): { created: PipelineWithStages; demoted: Pipeline | null; events: PipelineEvent[] } {
  const { pipeline, stages } = draft;
  if (
    nameTaken(
      pipeline.name,
      live.map((other) => other.pipeline),
    )
  )
    throw nameConflict(pipeline.name);
  const current = live.find((other) => other.pipeline.isDefault) ?? null;
  const isDefault = pipeline.isDefault || current === null;
  const created: PipelineWithStages = { pipeline: { ...pipeline, isDefault }, stages };
  const demotion = isDefault && current ? demote(current, pipeline.createdBy, pipeline.createdAt) : null;
  const event = createEvent('crm.pipeline.created.v1', {
    source: EVENT_SOURCE,
    subject: pipeline.id,
    tenantId: pipeline.organizationId,
    time: pipeline.createdAt,
    data: {
      pipelineId: pipeline.id,
      organizationId: pipeline.organizationId,
      isDefault,
      stages: stageSummaries(stages),
      createdBy: pipeline.createdBy,
      createdAt: pipeline.createdAt.toISOString(),
    },
  });
  return {
    created,
    demoted: demotion?.pipeline ?? null,
    events: [...(demotion?.events ?? []), event],
  };
}

/**
 * Checks the changes `updatePipeline` asks for, before the pipeline is read: a name, a currency, and
 * `isDefault` may only be set to true (the default stops being it when another one becomes it). The
 * stage list is checked against the pipeline's stages once they are read.
 */
export function checkPipelineChanges(input: UpdatePipelineInput, issues: InputIssues): PipelineChanges {
  const changes: PipelineChanges = { moveDeals: input.moveDeals ?? [] };
  if (input.name !== undefined) {
    if (input.name === null) issues.add('name', 'cannot be cleared');
    else changes.name = checkName(issues, 'name', input.name, MAX_PIPELINE_NAME_LENGTH);
  }
  if (input.currency !== undefined) {
    if (input.currency === null) issues.add('currency', 'cannot be cleared');
    else changes.currency = checkCurrency(issues, 'currency', input.currency);
  }
  if (input.isDefault === false)
    issues.add('isDefault', 'cannot be unset: make another pipeline the default instead');
  else if (input.isDefault === true) changes.isDefault = true;
  if (input.stages !== undefined) {
    if (input.stages === null) issues.add('stages', 'cannot be cleared');
    else changes.stages = input.stages;
  }
  if (changes.moveDeals.length > MAX_STAGES) {
    issues.add('moveDeals', `at most ${MAX_STAGES} entries`);
    changes.moveDeals = [];
  }
  changes.moveDeals.forEach((move, index) => {
    if (!isUuid(move.fromStageId)) issues.add(`moveDeals.${index}.fromStageId`, 'must be a UUID');
    if (!isUuid(move.toStageId)) issues.add(`moveDeals.${index}.toStageId`, 'must be a UUID');
  });
  if (changes.moveDeals.length > 0 && !changes.stages)
    issues.add('moveDeals', 'only applies with the stages that remove a stage');
  return changes;
}

/** How many deals a stage holds (deleted ones included: restoring one puts it back in its stage). */
export type StageDealCounts = ReadonlyMap<string, number>;

/** The deals of a removed stage go to a stage the pipeline keeps. */
export interface StageRemoval {
  stage: PipelineStage;
  target: PipelineStage | null;
}

/** A decided pipeline change: the new state, the stages removed and where their deals go. */
export interface PipelineUpdate {
  pipeline: Pipeline;
  stages: PipelineStage[];
  removed: StageRemoval[];
  changedFields: PipelineField[];
}

/**
 * Applies checked changes to a pipeline read at `expectedVersion` (CONFLICT when it changed since).
 * Stage rules that need the deals: a stage that holds deals may not change kind (its deals' status
 * would change behind their back), and may only be removed with a stage to move its deals to
 * (`moveDeals`: a stage the pipeline keeps, of the same kind) — CONFLICT otherwise, naming the stage
 * and how many deals it holds. Null when nothing changes (no event, no new version).
 */
export function updatePipeline(
  current: PipelineWithStages,
  live: readonly Pipeline[],
  changes: PipelineChanges,
  dealCounts: StageDealCounts,
  context: { expectedVersion: number; by: string; now: Date; newId: () => string },
  issues: InputIssues,
): PipelineUpdate | null {
  const { pipeline } = current;
  if (pipeline.version !== context.expectedVersion) {
    throw conflict('The pipeline changed since it was read; read it again and reapply the change', {
      expectedVersion: context.expectedVersion,
      currentVersion: pipeline.version,
    });
  }
  const stages = changes.stages
    ? planStages(
        changes.stages,
        {
          organizationId: pipeline.organizationId,
          pipelineId: pipeline.id,
          existing: current.stages,
          now: context.now,
        },
        context.newId,
        issues,
      )
    : current.stages;
  const kept = new Map(stages.map((stage) => [stage.id, stage]));
  const removedStages = current.stages.filter((stage) => !kept.has(stage.id));
  const removedIds = new Set(removedStages.map((stage) => stage.id));
  const targets = new Map<string, PipelineStage>();
  changes.moveDeals.forEach((move, index) => {
    const at = `moveDeals.${index}`;
    const from = current.stages.find((stage) => stage.id === move.fromStageId);
    const to = current.stages.some((stage) => stage.id === move.toStageId)
      ? kept.get(move.toStageId)
      : undefined;
    if (!from || !removedIds.has(from.id))
      issues.add(`${at}.fromStageId`, 'is not a stage this change removes');
    else if (targets.has(from.id)) issues.add(`${at}.fromStageId`, 'is named twice');
    if (!to) issues.add(`${at}.toStageId`, 'must be a stage the pipeline keeps');
    else if (from && to.kind !== from.kind)
      issues.add(`${at}.toStageId`, `must be of the removed stage's kind (${from.kind})`);
    if (from && to) targets.set(from.id, to);
  });
  issues.throwIfAny();
  for (const stage of stages) {
    const before = current.stages.find((old) => old.id === stage.id);
    const held = dealCounts.get(stage.id) ?? 0;
    if (before && before.kind !== stage.kind && held > 0) {
      throw conflict('The stage holds deals; its kind cannot change', { stageId: stage.id, deals: held });
    }
  }
  const removed = removedStages.map((stage): StageRemoval => {
    const held = dealCounts.get(stage.id) ?? 0;
    const target = targets.get(stage.id) ?? null;
    if (held > 0 && !target) {
      throw conflict('The stage holds deals (deleted ones included): name a stage to move them to', {
        stageId: stage.id,
        deals: held,
      });
    }
    return { stage: { ...stage, removedAt: context.now }, target };
  });
  if (changes.name !== undefined && nameTaken(changes.name, live, pipeline.id))
    throw nameConflict(changes.name);
  const next: Pipeline = {
    ...pipeline,
    name: changes.name ?? pipeline.name,
    currency: changes.currency ?? pipeline.currency,
    isDefault: changes.isDefault ?? pipeline.isDefault,
  };
  const stagesChanged =
    removed.length > 0 ||
    stages.length !== current.stages.length ||
    stages.some((stage, index) => {
      const before = current.stages[index];
      return (
        !before ||
        before.id !== stage.id ||
        before.name !== stage.name ||
        before.probability !== stage.probability ||
        before.kind !== stage.kind
      );
    });
  const changedFields = PIPELINE_UPDATABLE_FIELDS.filter((field) =>
    field === 'stages' ? stagesChanged : next[field] !== pipeline[field],
  );
  if (changedFields.length === 0) return null;
  return {
    pipeline: { ...next, version: pipeline.version + 1, updatedBy: context.by, updatedAt: context.now },
    stages,
    removed,
    changedFields,
  };
}

/** The event of a decided pipeline change, once the moved deals are counted. */
export function pipelineUpdatedEvent(update: PipelineUpdate, movedDealCount: number): PipelineUpdated {
  return pipelineUpdated(update.pipeline, update.stages, {
    changedFields: update.changedFields,
    removedStageIds: update.removed.map((removal) => removal.stage.id),
    movedDealCount,
  });
}

/**
 * Soft-deletes a pipeline: CONFLICT while it holds open deals (move or close them first); its won and
 * lost deals keep pointing at it. When it was the default, the oldest of the others becomes it.
 */
export function deletePipeline(
  current: PipelineWithStages,
  others: readonly PipelineWithStages[],
  openDeals: number,
  by: string,
  now: Date,
): { pipeline: Pipeline; promoted: Pipeline | null; events: PipelineEvent[] } {
  const { pipeline } = current;
  if (openDeals > 0) {
    throw conflict('The pipeline holds open deals: move or close them first', {
      pipelineId: pipeline.id,
      openDeals,
    });
  }
  const deleted: Pipeline = {
    ...pipeline,
    isDefault: false,
    version: pipeline.version + 1,
    updatedBy: by,
    updatedAt: now,
    deletedAt: now,
  };
  const successor = pipeline.isDefault
    ? ([...others].sort(
        (a, b) =>
          a.pipeline.createdAt.getTime() - b.pipeline.createdAt.getTime() ||
          a.pipeline.id.localeCompare(b.pipeline.id),
      )[0] ?? null)
    : null;
  const promotion = successor ? promote(successor, by, now) : null;
  const event = createEvent('crm.pipeline.deleted.v1', {
    source: EVENT_SOURCE,
    subject: pipeline.id,
    tenantId: pipeline.organizationId,
    time: now,
    data: {
      pipelineId: pipeline.id,
      organizationId: pipeline.organizationId,
      deletedBy: by,
      deletedAt: now.toISOString(),
    },
  });
  return {
    pipeline: deleted,
    promoted: promotion?.pipeline ?? null,
    events: [event, ...(promotion?.events ?? [])],
  };
}

/** The open stage a deal enters when it names no stage: the pipeline's first open one. */
export function firstOpenStage(stages: readonly PipelineStage[]): PipelineStage | null {
  return [...stages].sort((a, b) => a.position - b.position).find((stage) => stage.kind === 'open') ?? null;
}
