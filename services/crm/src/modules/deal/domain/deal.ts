/**
 * Deal rules (spec 003 Opportunity) and the events they imply. No Prisma or GraphQL here.
 *
 * A deal is in a stage of a pipeline, and its status is the stage's kind: open, won or lost. Entering
 * a stage sets the deal's probability to the stage's (an open deal's may then be overridden; a won
 * deal's is 100 and a lost deal's 0). A deal gets its actual close date when it is won or lost (today
 * unless given) and loses it, with its lost reason, when it is reopened. Events carry ids, status and
 * changed field names: never the name, description, amount, lost reason or custom values.
 */
import {
  createEvent,
  DEAL_STATUSES,
  DEAL_UPDATABLE_FIELDS,
  type CloudEvent,
  type DEAL_MOVE_CAUSES,
  type EventData,
} from '@platform/events/catalog';
import { conflict, enumObject, isUuid, type InputIssues } from '@platform/domain';
import { checkAmount, checkCurrency, sameAmount } from './money';
import { EVENT_SOURCE, type Pipeline, type PipelineStage } from './pipeline';

export const DealStatus = enumObject(DEAL_STATUSES);
export type DealStatus = (typeof DEAL_STATUSES)[number];
export type DealField = (typeof DEAL_UPDATABLE_FIELDS)[number];
export type DealMoveCause = (typeof DEAL_MOVE_CAUSES)[number];
export type CustomFieldValues = Record<string, unknown>;

export interface Deal {
  id: string;
  organizationId: string;
  pipelineId: string;
  stageId: string;
  name: string;
  description: string | null;
  /** A canonical decimal string; null while not estimated. */
  amount: string | null;
  /** ISO 4217. */
  currency: string;
  /** Win probability in %. */
  probability: number;
  /** Calendar dates: a Date at UTC midnight. */
  expectedCloseDate: Date | null;
  actualCloseDate: Date | null;
  status: DealStatus;
  lostReason: string | null;
  contactId: string | null;
  /** Checked by the companies module once it is wired in; a UUID here. */
  companyId: string | null;
  ownerId: string | null;
  tags: string[];
  customFields: CustomFieldValues;
  version: number;
  stageEnteredAt: Date;
  createdBy: string;
  updatedBy: string;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** One entry of a deal's stage history: its creation (no from stage) or a move. */
export interface DealStageMove {
  id: string;
  organizationId: string;
  dealId: string;
  fromStageId: string | null;
  toStageId: string;
  movedBy: string;
  /** When it moved. */
  createdAt: Date;
}

export type DealCreated = CloudEvent<'crm.deal.created.v1', EventData<'crm.deal.created.v1'>>;
export type DealUpdated = CloudEvent<'crm.deal.updated.v1', EventData<'crm.deal.updated.v1'>>;
export type DealStageMoved = CloudEvent<'crm.deal.stage_moved.v1', EventData<'crm.deal.stage_moved.v1'>>;
export type DealWon = CloudEvent<'crm.deal.won.v1', EventData<'crm.deal.won.v1'>>;
export type DealLost = CloudEvent<'crm.deal.lost.v1', EventData<'crm.deal.lost.v1'>>;
export type DealDeleted = CloudEvent<'crm.deal.deleted.v1', EventData<'crm.deal.deleted.v1'>>;
export type DealRestored = CloudEvent<'crm.deal.restored.v1', EventData<'crm.deal.restored.v1'>>;
export type DealEvent =
  DealCreated | DealUpdated | DealStageMoved | DealWon | DealLost | DealDeleted | DealRestored;

export const MAX_NAME_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 10_000;
export const MAX_LOST_REASON_LENGTH = 1_000;
export const MAX_TAGS = 50;
export const MAX_TAG_LENGTH = 64;

/** Where a new deal goes: a stage, a pipeline (its first open stage) or the default pipeline. */
export interface PlacementRequest {
  pipelineId?: string | null;
  stageId?: string | null;
}

/** What storage found for a placement request (see `placeDeal`). */
export interface PlacementState {
  /** The named stage, whatever its state; null when none of the organization's has the id. */
  stage: PipelineStage | null;
  /** The named pipeline, the stage's, or the default; null when none. */
  pipeline: Pipeline | null;
  /** The pipeline's live stages in their order. */
  stages: PipelineStage[];
}

/** A live stage of a live pipeline: where a deal may be. */
export interface Placement {
  pipeline: Pipeline;
  stage: PipelineStage;
}

/**
 * Where a deal goes, or null with the problem in `issues`: the named stage (of the named pipeline when
 * both are given), else the first open stage of the named pipeline, else of the default pipeline.
 */
export function placeDeal(
  request: PlacementRequest,
  state: PlacementState,
  issues: InputIssues,
): Placement | null {
  const { pipeline, stage } = state;
  if (request.stageId) {
    if (!stage || stage.removedAt || !pipeline || pipeline.deletedAt) {
      issues.add('stageId', 'is not a stage of a pipeline of the organization');
      return null;
    }
    if (request.pipelineId && stage.pipelineId !== request.pipelineId) {
      issues.add('stageId', 'is not a stage of this pipeline');
      return null;
    }
    return { pipeline, stage };
  }
  if (!pipeline || pipeline.deletedAt) {
    issues.add(
      'pipelineId',
      request.pipelineId
        ? 'is not a pipeline of the organization'
        : 'is needed: the organization has no default pipeline yet (create a pipeline first)',
    );
    return null;
  }
  const first = state.stages.find((candidate) => candidate.kind === 'open');
  if (!first) {
    issues.add('pipelineId', 'has no open stage');
    return null;
  }
  return { pipeline, stage: first };
}

/** The references a deal names, which the operations check against storage. */
export interface DealReferences {
  ownerId?: string | null;
  contactId?: string | null;
}

/** What a caller sets on a deal (all of it on creation; any of it on an update). */
export interface DealFieldsInput extends DealReferences {
  name?: string | null;
  description?: string | null;
  amount?: string | null;
  currency?: string | null;
  probability?: number | null;
  expectedCloseDate?: Date | null;
  actualCloseDate?: Date | null;
  lostReason?: string | null;
  companyId?: string | null;
  customFields?: CustomFieldValues | null;
  tags?: readonly string[] | null;
}

export interface CreateDealInput extends DealFieldsInput, PlacementRequest {
  name: string;
}

/** Checked fields: every one present has a valid, normalised value (null clears an optional one). */
export type DealFields = Partial<Pick<Deal, DealField>>;

function checkText(issues: InputIssues, path: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length < 1 || trimmed.length > max)
    issues.add(path, `must be 1–${max.toLocaleString('en')} characters`);
  return trimmed;
}

/** Optional text: trimmed, empty is none. */
function checkOptionalText(
  issues: InputIssues,
  path: string,
  value: string | null,
  max: number,
): string | null {
  const trimmed = value?.trim() ?? '';
  if (trimmed.length > max) issues.add(path, `must be at most ${max.toLocaleString('en')} characters`);
  return trimmed.length === 0 ? null : trimmed;
}

/** Years PostgreSQL and every client can hold (year 0 reads as a date but has none in PostgreSQL). */
function checkDate(issues: InputIssues, path: string, value: Date | null): void {
  const year = value?.getUTCFullYear();
  if (value && (Number.isNaN(value.getTime()) || year === undefined || year < 1 || year > 9999))
    issues.add(path, 'must be a valid date in the years 1–9999');
}

function checkTags(issues: InputIssues, tags: readonly string[]): string[] {
  const unique = [...new Set(tags.map((tag) => tag.trim()))];
  if (unique.length > MAX_TAGS) {
    // Refused as a whole: the tags of a list that long are not checked one by one.
    issues.add('tags', `at most ${MAX_TAGS} tags`);
    return unique;
  }
  unique.forEach((tag, index) => {
    if (tag.length < 1 || tag.length > MAX_TAG_LENGTH)
      issues.add(`tags.${index}`, `must be 1–${MAX_TAG_LENGTH} characters`);
  });
  return unique;
}

/**
 * The fields of `input` that are present, checked and normalised; problems go to `issues`. Which
 * values a field may take given the deal's status (probability, close date, lost reason) is checked
 * once the status is known (`checkClosing`).
 */
export function checkDealFields(input: DealFieldsInput, issues: InputIssues): DealFields {
  const fields: DealFields = {};
  if (input.name !== undefined) {
    if (input.name === null) issues.add('name', 'cannot be cleared');
    else fields.name = checkText(issues, 'name', input.name, MAX_NAME_LENGTH);
  }
  if (input.description !== undefined)
    fields.description = checkOptionalText(issues, 'description', input.description, MAX_DESCRIPTION_LENGTH);
  if (input.lostReason !== undefined)
    fields.lostReason = checkOptionalText(issues, 'lostReason', input.lostReason, MAX_LOST_REASON_LENGTH);
  if (input.amount !== undefined)
    fields.amount = input.amount === null ? null : checkAmount(issues, 'amount', input.amount);
  if (input.currency !== undefined) {
    if (input.currency === null) issues.add('currency', 'cannot be cleared');
    else fields.currency = checkCurrency(issues, 'currency', input.currency);
  }
  if (input.probability !== undefined) {
    if (input.probability === null) issues.add('probability', 'cannot be cleared');
    else if (!Number.isInteger(input.probability) || input.probability < 0 || input.probability > 100)
      issues.add('probability', 'must be a whole percentage, 0–100');
    else fields.probability = input.probability;
  }
  for (const field of ['expectedCloseDate', 'actualCloseDate'] as const) {
    const value = input[field];
    if (value === undefined) continue;
    checkDate(issues, field, value);
    fields[field] = value;
  }
  for (const field of ['ownerId', 'contactId', 'companyId'] as const) {
    const value = input[field];
    if (value === undefined) continue;
    if (value !== null && !isUuid(value)) issues.add(field, 'must be a UUID');
    fields[field] = value;
  }
  if (input.tags !== undefined) fields.tags = checkTags(issues, input.tags ?? []);
  if (input.customFields !== undefined) fields.customFields = input.customFields ?? {};
  return fields;
}

/** The calendar day (UTC) of an instant, as a date at UTC midnight. */
export function utcDay(instant: Date): Date {
  return new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate()));
}

/** A won deal wins (100 %), a lost one loses (0 %); an open deal's probability is its own. */
function fixedProbability(status: DealStatus): number | null {
  return status === DealStatus.won ? 100 : status === DealStatus.lost ? 0 : null;
}

/**
 * What the status allows of the closing fields: a won or lost deal's probability is fixed, only a
 * closed deal has an actual close date (which cannot be cleared), only a lost deal a lost reason.
 * `given` are the fields the caller set.
 */
function checkClosing(status: DealStatus, given: DealFields, issues: InputIssues): void {
  const fixed = fixedProbability(status);
  if (fixed !== null && given.probability !== undefined && given.probability !== fixed)
    issues.add('probability', `is ${fixed} for a ${status} deal`);
  if (given.actualCloseDate !== undefined) {
    if (status === DealStatus.open && given.actualCloseDate !== null)
      issues.add('actualCloseDate', 'is set when the deal is won or lost, not while it is open');
    if (status !== DealStatus.open && given.actualCloseDate === null)
      issues.add('actualCloseDate', 'cannot be cleared while the deal is closed (reopen it instead)');
  }
  if (given.lostReason && status !== DealStatus.lost) issues.add('lostReason', 'is only for a lost deal');
}

const envelope = (deal: Deal, time: Date) => ({
  source: EVENT_SOURCE,
  subject: deal.id,
  tenantId: deal.organizationId,
  time,
});

const links = (deal: Deal) => ({
  pipelineId: deal.pipelineId,
  stageId: deal.stageId,
  status: deal.status,
  ownerId: deal.ownerId,
  contactId: deal.contactId,
  companyId: deal.companyId,
});

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

function closedEvents(deal: Deal, by: string, now: Date): Array<DealWon | DealLost> {
  if (deal.status === DealStatus.open || !deal.actualCloseDate) return [];
  const data = {
    dealId: deal.id,
    organizationId: deal.organizationId,
    pipelineId: deal.pipelineId,
    stageId: deal.stageId,
    actualCloseDate: isoDate(deal.actualCloseDate),
    closedBy: by,
    closedAt: now.toISOString(),
  };
  return deal.status === DealStatus.won
    ? [createEvent('crm.deal.won.v1', { ...envelope(deal, now), data })]
    : [createEvent('crm.deal.lost.v1', { ...envelope(deal, now), data })];
}

/**
 * A new deal in `placement`: status from the stage's kind, probability from the stage unless given
 * (a closed stage's is fixed), currency from the pipeline unless given, the close date today when it
 * is created won or lost. Problems go to `issues`. Its first stage history entry has no from stage.
 */
export function createDeal(
  ids: {
    id: string;
    moveId: string;
    organizationId: string;
    createdBy: string;
    defaultOwnerId: string | null;
  },
  fields: DealFields & { name: string },
  placement: Placement,
  now: Date,
  issues: InputIssues,
): { deal: Deal; move: DealStageMove; events: DealEvent[] } {
  const status = placement.stage.kind;
  checkClosing(status, fields, issues);
  const closed = status !== DealStatus.open;
  const deal: Deal = {
    id: ids.id,
    organizationId: ids.organizationId,
    pipelineId: placement.pipeline.id,
    stageId: placement.stage.id,
    name: fields.name,
    description: fields.description ?? null,
    amount: fields.amount ?? null,
    currency: fields.currency ?? placement.pipeline.currency,
    probability: closed ? placement.stage.probability : (fields.probability ?? placement.stage.probability),
    expectedCloseDate: fields.expectedCloseDate ?? null,
    actualCloseDate: closed ? (fields.actualCloseDate ?? utcDay(now)) : null,
    status,
    lostReason: status === DealStatus.lost ? (fields.lostReason ?? null) : null,
    contactId: fields.contactId ?? null,
    companyId: fields.companyId ?? null,
    ownerId: fields.ownerId === undefined ? ids.defaultOwnerId : fields.ownerId,
    tags: fields.tags ?? [],
    customFields: fields.customFields ?? {},
    version: 1,
    stageEnteredAt: now,
    createdBy: ids.createdBy,
    updatedBy: ids.createdBy,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  const created = createEvent('crm.deal.created.v1', {
    ...envelope(deal, now),
    data: {
      dealId: deal.id,
      organizationId: deal.organizationId,
      ...links(deal),
      createdBy: deal.createdBy,
      createdAt: now.toISOString(),
    },
  });
  return {
    deal,
    move: {
      id: ids.moveId,
      organizationId: deal.organizationId,
      dealId: deal.id,
      fromStageId: null,
      toStageId: deal.stageId,
      movedBy: ids.createdBy,
      createdAt: now,
    },
    events: [created, ...closedEvents(deal, ids.createdBy, now)],
  };
}

function versionConflict(deal: Deal, expectedVersion: number) {
  return conflict('The deal changed since it was read; read it again and reapply the change', {
    expectedVersion,
    currentVersion: deal.version,
  });
}

const same = (field: DealField, a: unknown, b: unknown): boolean => {
  if (field === 'amount')
    return (typeof a === 'string' || a === null) && (typeof b === 'string' || b === null) && sameAmount(a, b);
  if (a instanceof Date || b instanceof Date)
    return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
  return JSON.stringify(a) === JSON.stringify(b);
};

/**
 * Checked changes applied to a deal read at `expectedVersion` (CONFLICT when it changed since), and
 * crm.deal.updated.v1 naming the fields that really changed. Problems of the closing fields go to
 * `issues`. A change that changes nothing answers the deal as it is, with no event.
 */
export function updateDeal(
  deal: Deal,
  fields: DealFields,
  expectedVersion: number,
  by: string,
  now: Date,
  issues: InputIssues,
): { deal: Deal; events: DealUpdated[]; changedFields: DealField[] } {
  if (deal.version !== expectedVersion) throw versionConflict(deal, expectedVersion);
  checkClosing(deal.status, fields, issues);
  issues.throwIfAny();
  const next: Deal = { ...deal, ...fields };
  const changedFields = DEAL_UPDATABLE_FIELDS.filter((field) => !same(field, next[field], deal[field]));
  if (changedFields.length === 0) return { deal, events: [], changedFields };
  const updated: Deal = { ...next, version: deal.version + 1, updatedBy: by, updatedAt: now };
  return {
    deal: updated,
    changedFields,
    events: [
      createEvent('crm.deal.updated.v1', {
        ...envelope(updated, now),
        data: {
          dealId: updated.id,
          organizationId: updated.organizationId,
          changedFields,
          version: updated.version,
          ...links(updated),
          updatedBy: by,
          updatedAt: now.toISOString(),
        },
      }),
    ],
  };
}

/** What a move may set besides the stage: the close date and the lost reason of a closing deal. */
export interface MoveOptions {
  actualCloseDate?: Date | null;
  lostReason?: string | null;
}

/**
 * Moves a deal to `target` (a live stage of a live pipeline, maybe another pipeline's): the status
 * becomes the stage's kind and the probability the stage's; a deal that closes gets its close date
 * (today unless given) and, when lost, its lost reason; a deal that reopens loses both. Records the
 * move in the stage history. `expectedVersion` is the version the caller read (null for moves the
 * pipeline makes when it removes a stage). Moving a deal to the stage it is in is a CONFLICT.
 */
export function moveDeal(
  deal: Deal,
  target: Placement,
  context: {
    expectedVersion: number | null;
    moveId: string;
    by: string;
    now: Date;
    cause: DealMoveCause;
  },
  options: MoveOptions,
  issues: InputIssues,
): { deal: Deal; move: DealStageMove; events: DealEvent[] } {
  if (context.expectedVersion !== null && deal.version !== context.expectedVersion)
    throw versionConflict(deal, context.expectedVersion);
  const status = target.stage.kind;
  const given: DealFields = {};
  if (options.actualCloseDate !== undefined) {
    checkDate(issues, 'actualCloseDate', options.actualCloseDate);
    given.actualCloseDate = options.actualCloseDate;
  }
  if (options.lostReason !== undefined)
    given.lostReason = checkOptionalText(issues, 'lostReason', options.lostReason, MAX_LOST_REASON_LENGTH);
  checkClosing(status, given, issues);
  issues.throwIfAny();
  if (target.stage.id === deal.stageId)
    throw conflict('The deal is in this stage already', { stageId: deal.stageId });
  // A deal that closes (or changes from won to lost) closes today unless told otherwise; one that
  // stays closed (a lost deal moved to another pipeline's lost stage) keeps its date and reason.
  const closes = status !== DealStatus.open && deal.status !== status;
  const actualCloseDate =
    status === DealStatus.open
      ? null
      : (given.actualCloseDate ?? (closes ? null : deal.actualCloseDate) ?? utcDay(context.now));
  const lostReason =
    status === DealStatus.lost ? (given.lostReason ?? (closes ? null : deal.lostReason)) : null;
  const moved: Deal = {
    ...deal,
    pipelineId: target.pipeline.id,
    stageId: target.stage.id,
    status,
    probability: target.stage.probability,
    actualCloseDate,
    lostReason,
    stageEnteredAt: context.now,
    version: deal.version + 1,
    updatedBy: context.by,
    updatedAt: context.now,
  };
  const stageMoved = createEvent('crm.deal.stage_moved.v1', {
    ...envelope(moved, context.now),
    data: {
      dealId: deal.id,
      organizationId: deal.organizationId,
      fromPipelineId: deal.pipelineId,
      fromStageId: deal.stageId,
      toPipelineId: moved.pipelineId,
      toStageId: moved.stageId,
      fromStatus: deal.status,
      status: moved.status,
      cause: context.cause,
      version: moved.version,
      movedBy: context.by,
      movedAt: context.now.toISOString(),
    },
  });
  return {
    deal: moved,
    move: {
      id: context.moveId,
      organizationId: deal.organizationId,
      dealId: deal.id,
      fromStageId: deal.stageId,
      toStageId: moved.stageId,
      movedBy: context.by,
      createdAt: context.now,
    },
    events: [stageMoved, ...(closes ? closedEvents(moved, context.by, context.now) : [])],
  };
}

/** Soft delete: the deal stays (restorable); CONFLICT when it is deleted already. */
export function deleteDeal(deal: Deal, by: string, now: Date): { deal: Deal; events: [DealDeleted] } {
  if (deal.deletedAt) throw conflict('The deal is deleted already', { id: deal.id });
  return {
    deal: { ...deal, deletedAt: now, version: deal.version + 1, updatedBy: by, updatedAt: now },
    events: [
      createEvent('crm.deal.deleted.v1', {
        ...envelope(deal, now),
        data: {
          dealId: deal.id,
          organizationId: deal.organizationId,
          deletedBy: by,
          deletedAt: now.toISOString(),
        },
      }),
    ],
  };
}

/**
 * Brings a deleted deal back into its stage: CONFLICT when it is not deleted, or when its pipeline was
 * deleted or its stage removed since (there is nowhere to put it back).
 */
export function restoreDeal(
  deal: Deal,
  where: { pipeline: Pipeline | null; stage: PipelineStage | null },
  by: string,
  now: Date,
): { deal: Deal; events: [DealRestored] } {
  if (!deal.deletedAt) throw conflict('The deal is not deleted', { id: deal.id });
  if (!where.pipeline || where.pipeline.deletedAt)
    throw conflict('The deal’s pipeline was deleted', { pipelineId: deal.pipelineId });
  if (!where.stage || where.stage.removedAt)
    throw conflict('The deal’s stage was removed from its pipeline', { stageId: deal.stageId });
  return {
    deal: { ...deal, deletedAt: null, version: deal.version + 1, updatedBy: by, updatedAt: now },
    events: [
      createEvent('crm.deal.restored.v1', {
        ...envelope(deal, now),
        data: {
          dealId: deal.id,
          organizationId: deal.organizationId,
          ...links(deal),
          restoredBy: by,
          restoredAt: now.toISOString(),
        },
      }),
    ],
  };
}
