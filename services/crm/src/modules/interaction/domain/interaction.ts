/**
 * Interaction rules (spec 000 Interaction = spec 003 Activity: the contact timeline) and the events they
 * imply. No Prisma or GraphQL here. Events carry ids, enums, times and changed field names only: the
 * subject and content are personal data (stored encrypted), and the other texts may quote them.
 */
import {
  CONFIDENTIALITY_LEVELS,
  createEvent,
  INTERACTION_CHANNELS,
  INTERACTION_DIRECTIONS,
  INTERACTION_PRIORITIES,
  INTERACTION_STATUSES,
  INTERACTION_TYPES,
  INTERACTION_UPDATABLE_FIELDS,
  PRIVACY_LEVELS,
  SENTIMENT_LABELS,
  type CatalogEvent,
  type CloudEvent,
  type EventData,
} from '@platform/events/catalog';
import { conflict, enumObject, isUuid, type InputIssues } from '@platform/domain';

export const InteractionType = enumObject(INTERACTION_TYPES);
export type InteractionType = (typeof INTERACTION_TYPES)[number];
export const InteractionDirection = enumObject(INTERACTION_DIRECTIONS);
export type InteractionDirection = (typeof INTERACTION_DIRECTIONS)[number];
export const InteractionStatus = enumObject(INTERACTION_STATUSES);
export type InteractionStatus = (typeof INTERACTION_STATUSES)[number];
export const InteractionPriority = enumObject(INTERACTION_PRIORITIES);
export type InteractionPriority = (typeof INTERACTION_PRIORITIES)[number];
export const InteractionChannel = enumObject(INTERACTION_CHANNELS);
export type InteractionChannel = (typeof INTERACTION_CHANNELS)[number];
export const SentimentLabel = enumObject(SENTIMENT_LABELS);
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];
export const PrivacyLevel = enumObject(PRIVACY_LEVELS);
export type PrivacyLevel = (typeof PRIVACY_LEVELS)[number];
export const Confidentiality = enumObject(CONFIDENTIALITY_LEVELS);
export type Confidentiality = (typeof CONFIDENTIALITY_LEVELS)[number];
export type InteractionField = (typeof INTERACTION_UPDATABLE_FIELDS)[number];

/** What the organization's interaction list sorts by (the API's InteractionOrderField). */
export const INTERACTION_ORDER_FIELDS = [
  'OCCURRED_AT',
  'CREATED_AT',
  'UPDATED_AT',
  'SCHEDULED_FOR',
  'FOLLOW_UP_BY',
  'DURATION_SECONDS',
  'CUSTOM_FIELD',
] as const;
export type InteractionOrderField = (typeof INTERACTION_ORDER_FIELDS)[number];
export const InteractionOrderField = enumObject(INTERACTION_ORDER_FIELDS);

export type JsonObject = Record<string, unknown>;

/** Someone who took part (spec 000 `participants`): a contact, a user, or someone known by name/email. */
export interface Participant {
  role: string;
  contactId: string | null;
  userId: string | null;
  name: string | null;
  email: string | null;
}

/** A business record the interaction is about (spec 000 `relatedEntities`), e.g. a property. */
export interface RelatedEntity {
  type: string;
  id: string;
  role: string | null;
  name: string | null;
}

/** An attached file (spec 000 `attachments`): where it is, not its bytes. */
export interface Attachment {
  id: string | null;
  name: string;
  mimeType: string | null;
  size: number | null;
  url: string | null;
}

/** Something to do that came out of the interaction (spec 000 `actionItems`). */
export interface ActionItem {
  id: string | null;
  text: string;
  status: string;
  assignedToId: string | null;
  dueBy: Date | null;
  completedAt: Date | null;
}

export interface Interaction {
  id: string;
  organizationId: string;
  contactId: string;
  /** The interaction this one replies to (same organization and contact); null for a thread's first. */
  parentInteractionId: string | null;
  /** The id of the thread's first interaction: a new thread's own id. */
  threadId: string;
  type: InteractionType;
  direction: InteractionDirection;
  status: InteractionStatus;
  priority: InteractionPriority;
  channel: InteractionChannel;
  /** Personal data: stored encrypted. */
  subject: string | null;
  content: string | null;
  summary: string | null;
  /** Empty when none. */
  vectorEmbedding: number[];
  sentimentScore: number | null;
  sentimentLabel: SentimentLabel | null;
  privacyLevel: PrivacyLevel;
  confidentiality: Confidentiality | null;
  retentionPolicy: string | null;
  channelData: JsonObject | null;
  participants: Participant[];
  relatedEntities: RelatedEntity[];
  /** When it happened: its place on the timeline. */
  occurredAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  scheduledFor: Date | null;
  durationSeconds: number | null;
  location: JsonObject | null;
  attachments: Attachment[];
  aiMetadata: JsonObject | null;
  actionItems: ActionItem[];
  followUpRequired: boolean;
  followUpBy: Date | null;
  isRead: boolean;
  isStarred: boolean;
  tags: string[];
  customFields: JsonObject;
  externalIds: Record<string, string>;
  metadata: JsonObject | null;
  /** Spec 003 Activity's links to the account and the deal (ids only until crm has them). */
  companyId: string | null;
  dealId: string | null;
  assignedToId: string | null;
  createdById: string;
  updatedById: string | null;
  /** Optimistic concurrency: 1 when created, +1 per change, deletion and restoration. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** What a caller may set (create: all of them, type, direction, channel and contact required). */
export interface InteractionFieldsInput {
  type?: InteractionType | null;
  direction?: InteractionDirection | null;
  status?: InteractionStatus | null;
  priority?: InteractionPriority | null;
  channel?: InteractionChannel | null;
  subject?: string | null;
  content?: string | null;
  summary?: string | null;
  vectorEmbedding?: readonly number[] | null;
  sentimentScore?: number | null;
  sentimentLabel?: SentimentLabel | null;
  privacyLevel?: PrivacyLevel | null;
  confidentiality?: Confidentiality | null;
  retentionPolicy?: string | null;
  channelData?: JsonObject | null;
  participants?: ReadonlyArray<ParticipantInput> | null;
  relatedEntities?: ReadonlyArray<RelatedEntityInput> | null;
  occurredAt?: Date | null;
  startedAt?: Date | null;
  endedAt?: Date | null;
  scheduledFor?: Date | null;
  durationSeconds?: number | null;
  location?: JsonObject | null;
  attachments?: ReadonlyArray<AttachmentInput> | null;
  aiMetadata?: JsonObject | null;
  actionItems?: ReadonlyArray<ActionItemInput> | null;
  followUpRequired?: boolean | null;
  followUpBy?: Date | null;
  isRead?: boolean | null;
  isStarred?: boolean | null;
  tags?: readonly string[] | null;
  customFields?: JsonObject | null;
  externalIds?: JsonObject | null;
  metadata?: JsonObject | null;
  companyId?: string | null;
  dealId?: string | null;
  assignedToId?: string | null;
}

export interface ParticipantInput {
  role: string;
  contactId?: string | null;
  userId?: string | null;
  name?: string | null;
  email?: string | null;
}

export interface RelatedEntityInput {
  type: string;
  id: string;
  role?: string | null;
  name?: string | null;
}

export interface AttachmentInput {
  id?: string | null;
  name: string;
  mimeType?: string | null;
  size?: number | null;
  url?: string | null;
}

export interface ActionItemInput {
  id?: string | null;
  text: string;
  status?: string | null;
  assignedToId?: string | null;
  dueBy?: Date | null;
  completedAt?: Date | null;
}

export interface CreateInteractionInput extends InteractionFieldsInput {
  contactId: string;
  parentInteractionId?: string | null;
}

/** The fields `updateInteraction` may change, checked: only those present. */
export type InteractionChanges = Partial<Pick<Interaction, InteractionField>>;

export type InteractionCreated = CloudEvent<
  'crm.interaction.created.v1',
  EventData<'crm.interaction.created.v1'>
>;
export type InteractionEvent = CatalogEvent<
  | 'crm.interaction.created.v1'
  | 'crm.interaction.updated.v1'
  | 'crm.interaction.deleted.v1'
  | 'crm.interaction.restored.v1'
>;

export const EVENT_SOURCE = '/services/crm';
/**
 * Who recorded an interaction nobody in the organization wrote (a customer's message crm took from
 * conversations): the system, as the nil UUID. `Interaction.createdBy` reads null for it.
 */
export const SYSTEM_RECORDER_ID = '00000000-0000-0000-0000-000000000000';
export const MAX_SUBJECT_LENGTH = 1_000;
export const MAX_CONTENT_LENGTH = 100_000;
export const MAX_SUMMARY_LENGTH = 10_000;
export const MAX_EMBEDDING_LENGTH = 4_096;
export const MAX_TAGS = 50;
export const MAX_TAG_LENGTH = 64;
export const MAX_ITEMS = 100;
/** The largest JSON object a free-form field (channelData, location, aiMetadata, metadata…) may hold. */
export const MAX_JSON_BYTES = 65_536;
const MAX_DURATION_SECONDS = 2_147_483_647;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/* ---------------------------------------------------------------------------------------------- */
/* Checks                                                                                           */
/* ---------------------------------------------------------------------------------------------- */

/** A text trimmed to null when empty, at most `max` characters. */
function optionalText(issues: InputIssues, path: string, value: string | null, max: number): string | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (trimmed.length > max) issues.add(path, `must be at most ${max.toLocaleString('en')} characters`);
  return trimmed.length === 0 ? null : trimmed;
}

/** A required text, trimmed: 1–`max` characters. */
function requiredText(issues: InputIssues, path: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length < 1 || trimmed.length > max)
    issues.add(path, `must be 1–${max.toLocaleString('en')} characters`);
  return trimmed;
}

/** Content keeps its formatting (line breaks, indentation); only an all-blank content is none. */
function checkContent(issues: InputIssues, value: string | null): string | null {
  if (value === null || value.trim().length === 0) return null;
  if (value.length > MAX_CONTENT_LENGTH)
    issues.add('content', `must be at most ${MAX_CONTENT_LENGTH.toLocaleString('en')} characters`);
  return value;
}

function checkId(issues: InputIssues, path: string, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (!isUuid(value)) issues.add(path, 'must be a UUID');
  return value;
}

/** Years PostgreSQL and every client can hold. */
function checkDate(issues: InputIssues, path: string, value: Date | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const year = value.getUTCFullYear();
  if (Number.isNaN(value.getTime()) || year < 1 || year > 9999)
    issues.add(path, 'must be a valid date-time in the years 1–9999');
  return value;
}

function checkJson(issues: InputIssues, path: string, value: JsonObject | null): JsonObject | null {
  if (value === null) return null;
  if (Buffer.byteLength(JSON.stringify(value), 'utf8') > MAX_JSON_BYTES)
    issues.add(path, `must be at most ${MAX_JSON_BYTES.toLocaleString('en')} bytes of JSON`);
  return value;
}

function checkCount(issues: InputIssues, path: string, length: number, max = MAX_ITEMS): void {
  if (length > max) issues.add(path, `at most ${max} items`);
}

export function checkTags(issues: InputIssues, value: readonly string[] | null): string[] {
  const tags = [...new Set((value ?? []).map((tag) => tag.trim()))];
  checkCount(issues, 'tags', tags.length, MAX_TAGS);
  tags.forEach((tag, index) => {
    if (tag.length < 1 || tag.length > MAX_TAG_LENGTH)
      issues.add(`tags.${index}`, `must be 1–${MAX_TAG_LENGTH} characters`);
  });
  return tags;
}

function checkEmbedding(issues: InputIssues, value: readonly number[] | null): number[] {
  const vector = [...(value ?? [])];
  checkCount(issues, 'vectorEmbedding', vector.length, MAX_EMBEDDING_LENGTH);
  if (vector.some((component) => !Number.isFinite(component)))
    issues.add('vectorEmbedding', 'must hold finite numbers');
  return vector;
}

function checkSentimentScore(issues: InputIssues, value: number | null): number | null {
  if (value !== null && !(Number.isFinite(value) && value >= -1 && value <= 1))
    issues.add('sentimentScore', 'must be from -1.0 to 1.0');
  return value;
}

function checkDuration(issues: InputIssues, value: number | null): number | null {
  if (value !== null && !(Number.isInteger(value) && value >= 0 && value <= MAX_DURATION_SECONDS))
    issues.add('durationSeconds', 'must be a whole number of seconds, 0 or more');
  return value;
}

function checkParticipants(
  issues: InputIssues,
  value: ReadonlyArray<ParticipantInput> | null,
): Participant[] {
  const list = value ?? [];
  checkCount(issues, 'participants', list.length);
  return list.map((participant, index) => {
    const path = `participants.${index}`;
    const email = optionalText(issues, `${path}.email`, participant.email ?? null, 255);
    if (email !== null && !EMAIL.test(email)) issues.add(`${path}.email`, 'must be an email address');
    return {
      role: requiredText(issues, `${path}.role`, participant.role, 32),
      contactId: checkId(issues, `${path}.contactId`, participant.contactId),
      userId: checkId(issues, `${path}.userId`, participant.userId),
      name: optionalText(issues, `${path}.name`, participant.name ?? null, 255),
      email,
    };
  });
}

function checkRelatedEntities(
  issues: InputIssues,
  value: ReadonlyArray<RelatedEntityInput> | null,
): RelatedEntity[] {
  const list = value ?? [];
  checkCount(issues, 'relatedEntities', list.length);
  return list.map((entity, index) => {
    const path = `relatedEntities.${index}`;
    return {
      type: requiredText(issues, `${path}.type`, entity.type, 64),
      id: requiredText(issues, `${path}.id`, entity.id, 255),
      role: optionalText(issues, `${path}.role`, entity.role ?? null, 64),
      name: optionalText(issues, `${path}.name`, entity.name ?? null, 255),
    };
  });
}

function checkAttachments(issues: InputIssues, value: ReadonlyArray<AttachmentInput> | null): Attachment[] {
  const list = value ?? [];
  checkCount(issues, 'attachments', list.length);
  return list.map((attachment, index) => {
    const path = `attachments.${index}`;
    const size = attachment.size ?? null;
    if (size !== null && !(Number.isInteger(size) && size >= 0))
      issues.add(`${path}.size`, 'must be a whole number of bytes, 0 or more');
    return {
      id: optionalText(issues, `${path}.id`, attachment.id ?? null, 255),
      name: requiredText(issues, `${path}.name`, attachment.name, 255),
      mimeType: optionalText(issues, `${path}.mimeType`, attachment.mimeType ?? null, 255),
      size,
      url: optionalText(issues, `${path}.url`, attachment.url ?? null, 2_048),
    };
  });
}

function checkActionItems(issues: InputIssues, value: ReadonlyArray<ActionItemInput> | null): ActionItem[] {
  const list = value ?? [];
  checkCount(issues, 'actionItems', list.length);
  return list.map((item, index) => {
    const path = `actionItems.${index}`;
    return {
      id: optionalText(issues, `${path}.id`, item.id ?? null, 255),
      text: requiredText(issues, `${path}.text`, item.text, 1_000),
      status: requiredText(issues, `${path}.status`, item.status ?? 'pending', 32),
      assignedToId: checkId(issues, `${path}.assignedToId`, item.assignedToId),
      dueBy: checkDate(issues, `${path}.dueBy`, item.dueBy),
      completedAt: checkDate(issues, `${path}.completedAt`, item.completedAt),
    };
  });
}

function checkExternalIds(issues: InputIssues, value: JsonObject | null): Record<string, string> {
  const entries = Object.entries(value ?? {});
  checkCount(issues, 'externalIds', entries.length, 20);
  const ids: Record<string, string> = {};
  for (const [system, id] of entries) {
    if (system.length < 1 || system.length > 64)
      issues.add('externalIds', 'system names are 1–64 characters');
    if (typeof id !== 'string' || id.length < 1 || id.length > 255)
      issues.add(`externalIds.${system}`, 'must be an id of 1–255 characters');
    else ids[system] = id;
  }
  return ids;
}

/** Enums, flags and the like that exist on every interaction: given as null, they cannot be cleared. */
const NOT_CLEARABLE = [
  'type',
  'direction',
  'status',
  'priority',
  'channel',
  'privacyLevel',
  'occurredAt',
  'followUpRequired',
  'isRead',
  'isStarred',
] as const satisfies ReadonlyArray<InteractionField & keyof InteractionFieldsInput>;

/**
 * The fields of `input` that are present, checked and normalised (texts trimmed, an empty text none,
 * tags de-duplicated, a null list or object cleared to empty). Problems are added to `issues`, by field.
 */
export function checkInteractionFields(
  input: InteractionFieldsInput,
  issues: InputIssues,
): InteractionChanges {
  const changes: InteractionChanges = {};
  for (const field of NOT_CLEARABLE) {
    if (input[field] === null) issues.add(field, 'cannot be cleared');
  }
  if (input.type) changes.type = input.type;
  if (input.direction) changes.direction = input.direction;
  if (input.status) changes.status = input.status;
  if (input.priority) changes.priority = input.priority;
  if (input.channel) changes.channel = input.channel;
  if (input.privacyLevel) changes.privacyLevel = input.privacyLevel;
  if (input.followUpRequired !== undefined && input.followUpRequired !== null)
    changes.followUpRequired = input.followUpRequired;
  if (input.isRead !== undefined && input.isRead !== null) changes.isRead = input.isRead;
  if (input.isStarred !== undefined && input.isStarred !== null) changes.isStarred = input.isStarred;
  if (input.occurredAt) changes.occurredAt = checkDate(issues, 'occurredAt', input.occurredAt) ?? undefined;
  if (input.subject !== undefined)
    changes.subject = optionalText(issues, 'subject', input.subject, MAX_SUBJECT_LENGTH);
  if (input.content !== undefined) changes.content = checkContent(issues, input.content);
  if (input.summary !== undefined)
    changes.summary = optionalText(issues, 'summary', input.summary, MAX_SUMMARY_LENGTH);
  if (input.retentionPolicy !== undefined)
    changes.retentionPolicy = optionalText(issues, 'retentionPolicy', input.retentionPolicy, 100);
  if (input.vectorEmbedding !== undefined)
    changes.vectorEmbedding = checkEmbedding(issues, input.vectorEmbedding);
  if (input.sentimentScore !== undefined)
    changes.sentimentScore = checkSentimentScore(issues, input.sentimentScore);
  if (input.sentimentLabel !== undefined) changes.sentimentLabel = input.sentimentLabel;
  if (input.confidentiality !== undefined) changes.confidentiality = input.confidentiality;
  for (const field of ['channelData', 'location', 'aiMetadata', 'metadata'] as const) {
    const value = input[field];
    if (value !== undefined) changes[field] = checkJson(issues, field, value);
  }
  if (input.customFields !== undefined)
    changes.customFields = checkJson(issues, 'customFields', input.customFields) ?? {};
  if (input.externalIds !== undefined) changes.externalIds = checkExternalIds(issues, input.externalIds);
  if (input.participants !== undefined) changes.participants = checkParticipants(issues, input.participants);
  if (input.relatedEntities !== undefined)
    changes.relatedEntities = checkRelatedEntities(issues, input.relatedEntities);
  if (input.attachments !== undefined) changes.attachments = checkAttachments(issues, input.attachments);
  if (input.actionItems !== undefined) changes.actionItems = checkActionItems(issues, input.actionItems);
  if (input.tags !== undefined) changes.tags = checkTags(issues, input.tags);
  for (const field of ['startedAt', 'endedAt', 'scheduledFor', 'followUpBy'] as const) {
    if (input[field] !== undefined) changes[field] = checkDate(issues, field, input[field]);
  }
  if (input.durationSeconds !== undefined)
    changes.durationSeconds = checkDuration(issues, input.durationSeconds);
  for (const field of ['companyId', 'dealId', 'assignedToId'] as const) {
    if (input[field] !== undefined) changes[field] = checkId(issues, field, input[field]);
  }
  return changes;
}

/**
 * The timing of an interaction once `changes` apply: it may not end before it starts; a duration not
 * given is the time between start and end when both are known (and left as it was otherwise).
 */
function timed(
  before: Pick<Interaction, 'startedAt' | 'endedAt' | 'durationSeconds'>,
  changes: InteractionChanges,
  issues: InputIssues,
): Pick<Interaction, 'durationSeconds'> {
  const startedAt = changes.startedAt === undefined ? before.startedAt : changes.startedAt;
  const endedAt = changes.endedAt === undefined ? before.endedAt : changes.endedAt;
  if (startedAt && endedAt && endedAt.getTime() < startedAt.getTime()) {
    issues.add('endedAt', 'must not be before startedAt');
    return { durationSeconds: before.durationSeconds };
  }
  if (changes.durationSeconds !== undefined) return { durationSeconds: changes.durationSeconds };
  const timingChanged = changes.startedAt !== undefined || changes.endedAt !== undefined;
  if (timingChanged && startedAt && endedAt)
    return { durationSeconds: Math.round((endedAt.getTime() - startedAt.getTime()) / 1000) };
  return { durationSeconds: before.durationSeconds };
}

/* ---------------------------------------------------------------------------------------------- */
/* Threading                                                                                        */
/* ---------------------------------------------------------------------------------------------- */

/** What a reply needs to know of the interaction it replies to. */
export type ParentInteraction = Pick<Interaction, 'id' | 'organizationId' | 'contactId' | 'threadId'>;

/**
 * The thread a new interaction joins: a reply's parent must be a live interaction of the same
 * organization and contact (found: `parent`, null when there is none), and the reply joins its
 * parent's thread, whose id is the first interaction's; a new thread's id is the interaction's own.
 */
export function threadOf(
  id: string,
  organizationId: string,
  contactId: string,
  parentInteractionId: string | null,
  parent: ParentInteraction | null,
  issues: InputIssues,
): { parentInteractionId: string | null; threadId: string } {
  if (parentInteractionId === null) return { parentInteractionId: null, threadId: id };
  if (!isUuid(parentInteractionId)) {
    issues.add('parentInteractionId', 'must be a UUID');
  } else if (!parent || parent.organizationId !== organizationId) {
    issues.add('parentInteractionId', 'is not an interaction of the organization');
  } else if (parent.contactId !== contactId) {
    issues.add('parentInteractionId', 'is an interaction of another contact');
  }
  return { parentInteractionId, threadId: parent?.threadId ?? id };
}

/* ---------------------------------------------------------------------------------------------- */
/* Who may read the content                                                                         */
/* ---------------------------------------------------------------------------------------------- */

/** Who reads: the signed-in user and what they hold. */
export interface Reader {
  userId: string | null;
  permissions?: readonly string[];
}

const LEVEL_RANK: Record<PrivacyLevel, number> = { Public: 0, Internal: 1, Private: 2, Confidential: 3 };

/**
 * The privacy tags (spec 000's latest rule: privacy and business logic key on Interaction.tags, matched
 * case-insensitively): `PRIVATE` makes the content at least Private, `PERSONAL` (the user's own
 * matter, not the organization's) and `CONFIDENTIAL` make it Confidential. `CRM` and every other tag
 * change nothing. A tag never loosens the level.
 */
export const PRIVACY_TAGS: Readonly<Record<string, PrivacyLevel>> = {
  private: 'Private',
  personal: 'Confidential',
  confidential: 'Confidential',
};

/** The strictest of the interaction's privacy level and the levels its tags imply. */
export function effectivePrivacyLevel(interaction: Pick<Interaction, 'privacyLevel' | 'tags'>): PrivacyLevel {
  let level = interaction.privacyLevel;
  for (const tag of interaction.tags) {
    const implied = PRIVACY_TAGS[tag.toLowerCase()];
    if (implied && LEVEL_RANK[implied] > LEVEL_RANK[level]) level = implied;
  }
  return level;
}

/**
 * Whether `reader` may read the interaction's content (spec 000's data classification, and its latest
 * rule that privacy keys on the interaction's level and tags, never the contact's):
 * - nobody without `interactions:read`;
 * - Public and Internal: everyone with `interactions:read`;
 * - Private (personal details, financial information): the people of the interaction (its creator and
 *   the user it is assigned to) and those entrusted with contacts' personal data (`contacts:read_pii`);
 * - Confidential (legal communications, a user's personal matters): its creator and assignee only.
 */
export function mayReadContent(
  reader: Reader,
  interaction: Pick<Interaction, 'privacyLevel' | 'tags' | 'createdById' | 'assignedToId'>,
): boolean {
  const permissions = reader.permissions ?? [];
  if (!permissions.includes('interactions:read')) return false;
  const level = effectivePrivacyLevel(interaction);
  if (level === 'Public' || level === 'Internal') return true;
  const involved =
    reader.userId !== null &&
    (reader.userId === interaction.createdById || reader.userId === interaction.assignedToId);
  if (involved) return true;
  return level === 'Private' && permissions.includes('contacts:read_pii');
}

/** An interaction as one reader sees it: `contentHidden` says whether its content was withheld. */
export interface InteractionView extends Interaction {
  contentHidden: boolean;
  /** The strictest of privacyLevel and the levels its tags imply: what decided `contentHidden`. */
  effectivePrivacyLevel: PrivacyLevel;
}

/**
 * The interaction as `reader` may see it. Without access to its content they see what spec 000 calls
 * basic interaction metadata (kind, channel, direction, status, times, links, tags, who and when) and
 * none of what says or quotes what was said: subject, content, summary, sentiment, embedding, channel
 * data, participants, related entities, location, attachments, AI metadata, action items, custom
 * fields, external ids and metadata read as empty, and `contentHidden` is true.
 */
export function asSeenBy(reader: Reader, interaction: Interaction): InteractionView {
  const level = effectivePrivacyLevel(interaction);
  if (mayReadContent(reader, interaction))
    return { ...interaction, contentHidden: false, effectivePrivacyLevel: level };
  return {
    ...interaction,
    subject: null,
    content: null,
    summary: null,
    vectorEmbedding: [],
    sentimentScore: null,
    sentimentLabel: null,
    channelData: null,
    participants: [],
    relatedEntities: [],
    location: null,
    attachments: [],
    aiMetadata: null,
    actionItems: [],
    customFields: {},
    externalIds: {},
    metadata: null,
    contentHidden: true,
    effectivePrivacyLevel: level,
  };
}

/* ---------------------------------------------------------------------------------------------- */
/* Changes and their events                                                                         */
/* ---------------------------------------------------------------------------------------------- */

const envelope = (interaction: Interaction, now: Date) => ({
  source: EVENT_SOURCE,
  subject: interaction.id,
  tenantId: interaction.organizationId,
  time: now,
});

const kindOf = (interaction: Interaction) => ({
  contactId: interaction.contactId,
  type: interaction.type,
  channel: interaction.channel,
  direction: interaction.direction,
  status: interaction.status,
  privacyLevel: interaction.privacyLevel,
  occurredAt: interaction.occurredAt.toISOString(),
});

/**
 * A new interaction, checked (problems added to `issues`, with those of its thread): status Completed,
 * priority Normal and privacy level Internal unless given; `occurredAt` defaults to when it started,
 * else now. The caller adds the problems of the references it looks up, throws them all at once, and
 * then records the draft with its event (`recordInteraction`).
 */
export function draftInteraction(
  ids: { id: string; organizationId: string; createdById: string },
  input: CreateInteractionInput,
  parent: ParentInteraction | null,
  now: Date,
  issues: InputIssues,
): Interaction {
  const fields = checkInteractionFields(input, issues);
  for (const field of ['type', 'direction', 'channel'] as const) {
    if (!input[field]) issues.add(field, 'is required');
  }
  const contactId = checkId(issues, 'contactId', input.contactId) ?? '';
  const thread = threadOf(
    ids.id,
    ids.organizationId,
    contactId,
    input.parentInteractionId ?? null,
    parent,
    issues,
  );
  const startedAt = fields.startedAt ?? null;
  const interaction: Interaction = {
    id: ids.id,
    organizationId: ids.organizationId,
    contactId,
    ...thread,
    type: fields.type ?? InteractionType.Note,
    direction: fields.direction ?? InteractionDirection.Outbound,
    status: fields.status ?? InteractionStatus.Completed,
    priority: fields.priority ?? InteractionPriority.Normal,
    channel: fields.channel ?? InteractionChannel.Other,
    subject: fields.subject ?? null,
    content: fields.content ?? null,
    summary: fields.summary ?? null,
    vectorEmbedding: fields.vectorEmbedding ?? [],
    sentimentScore: fields.sentimentScore ?? null,
    sentimentLabel: fields.sentimentLabel ?? null,
    privacyLevel: fields.privacyLevel ?? PrivacyLevel.Internal,
    confidentiality: fields.confidentiality ?? null,
    retentionPolicy: fields.retentionPolicy ?? null,
    channelData: fields.channelData ?? null,
    participants: fields.participants ?? [],
    relatedEntities: fields.relatedEntities ?? [],
    occurredAt: fields.occurredAt ?? startedAt ?? now,
    startedAt,
    endedAt: fields.endedAt ?? null,
    scheduledFor: fields.scheduledFor ?? null,
    location: fields.location ?? null,
    attachments: fields.attachments ?? [],
    aiMetadata: fields.aiMetadata ?? null,
    actionItems: fields.actionItems ?? [],
    followUpRequired: fields.followUpRequired ?? false,
    followUpBy: fields.followUpBy ?? null,
    isRead: fields.isRead ?? false,
    isStarred: fields.isStarred ?? false,
    tags: fields.tags ?? [],
    customFields: fields.customFields ?? {},
    externalIds: fields.externalIds ?? {},
    metadata: fields.metadata ?? null,
    companyId: fields.companyId ?? null,
    dealId: fields.dealId ?? null,
    assignedToId: fields.assignedToId ?? null,
    createdById: ids.createdById,
    updatedById: ids.createdById,
    version: 1,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
    ...timed({ startedAt: null, endedAt: null, durationSeconds: null }, fields, issues),
  };
  return interaction;
}

/** A checked draft and crm.interaction.created.v1: no subject, content or other free text in it. */
export function recordInteraction(interaction: Interaction): {
  interaction: Interaction;
  events: [InteractionCreated];
} {
  return {
    interaction,
    events: [
      createEvent('crm.interaction.created.v1', {
        ...envelope(interaction, interaction.createdAt),
        data: {
          interactionId: interaction.id,
          organizationId: interaction.organizationId,
          ...kindOf(interaction),
          parentInteractionId: interaction.parentInteractionId,
          threadId: interaction.threadId,
          assignedToId: interaction.assignedToId,
          createdById: interaction.createdById,
          createdAt: interaction.createdAt.toISOString(),
        },
      }),
    ],
  };
}

const same = (a: unknown, b: unknown): boolean =>
  a instanceof Date || b instanceof Date
    ? a instanceof Date && b instanceof Date && a.getTime() === b.getTime()
    : JSON.stringify(a) === JSON.stringify(b);

/** CONFLICT unless the interaction still has the version the caller read. */
export function ensureVersion(interaction: Pick<Interaction, 'version'>, expectedVersion: number): void {
  if (interaction.version !== expectedVersion) {
    throw conflict('The interaction changed since it was read; read it again and reapply the change', {
      expectedVersion,
      currentVersion: interaction.version,
    });
  }
}

/**
 * Checked changes applied to an interaction read at `expectedVersion` (CONFLICT when it has moved on),
 * and crm.interaction.updated.v1 naming the fields that really changed. A change that changes nothing
 * answers the interaction as it is, with no event and the same version. Problems of the combination
 * (an end before the start) are added to `issues`.
 */
export function updateInteraction(
  interaction: Interaction,
  changes: InteractionChanges,
  expectedVersion: number,
  updatedById: string,
  now: Date,
  issues: InputIssues,
): { interaction: Interaction; events: InteractionEvent[] } {
  ensureVersion(interaction, expectedVersion);
  const next: Interaction = { ...interaction, ...changes, ...timed(interaction, changes, issues) };
  issues.throwIfAny();
  const changedFields = INTERACTION_UPDATABLE_FIELDS.filter(
    (field) => !same(next[field], interaction[field]),
  );
  if (changedFields.length === 0) return { interaction, events: [] };
  const updated: Interaction = {
    ...next,
    version: interaction.version + 1,
    updatedById,
    updatedAt: now,
  };
  return {
    interaction: updated,
    events: [
      createEvent('crm.interaction.updated.v1', {
        ...envelope(updated, now),
        data: {
          interactionId: updated.id,
          organizationId: updated.organizationId,
          ...kindOf(updated),
          changedFields,
          version: updated.version,
          assignedToId: updated.assignedToId,
          updatedById,
          updatedAt: now.toISOString(),
        },
      }),
    ],
  };
}

/** Soft delete: the interaction leaves the timeline (restorable); CONFLICT when it is deleted already. */
export function deleteInteraction(
  interaction: Interaction,
  deletedById: string,
  now: Date,
): { interaction: Interaction; events: InteractionEvent[] } {
  if (interaction.deletedAt) throw conflict('The interaction is already deleted', { id: interaction.id });
  const deleted: Interaction = {
    ...interaction,
    deletedAt: now,
    version: interaction.version + 1,
    updatedById: deletedById,
    updatedAt: now,
  };
  return {
    interaction: deleted,
    events: [
      createEvent('crm.interaction.deleted.v1', {
        ...envelope(deleted, now),
        data: {
          interactionId: deleted.id,
          organizationId: deleted.organizationId,
          contactId: deleted.contactId,
          version: deleted.version,
          deletedById,
          deletedAt: now.toISOString(),
        },
      }),
    ],
  };
}

/** Brings a deleted interaction back to the timeline; CONFLICT when it is not deleted. */
export function restoreInteraction(
  interaction: Interaction,
  restoredById: string,
  now: Date,
): { interaction: Interaction; events: InteractionEvent[] } {
  if (!interaction.deletedAt) throw conflict('The interaction is not deleted', { id: interaction.id });
  const restored: Interaction = {
    ...interaction,
    deletedAt: null,
    version: interaction.version + 1,
    updatedById: restoredById,
    updatedAt: now,
  };
  return {
    interaction: restored,
    events: [
      createEvent('crm.interaction.restored.v1', {
        ...envelope(restored, now),
        data: {
          interactionId: restored.id,
          organizationId: restored.organizationId,
          contactId: restored.contactId,
          version: restored.version,
          restoredById,
          restoredAt: now.toISOString(),
        },
      }),
    ],
  };
}

/** The position of an interaction in its timeline's order (occurredAt desc, id desc), for cursors. */
export const timelinePosition = (interaction: Pick<Interaction, 'occurredAt' | 'id'>) => ({
  createdAt: interaction.occurredAt,
  id: interaction.id,
});
