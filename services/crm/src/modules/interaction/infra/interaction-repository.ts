import { z } from 'zod';
import {
  conflict,
  InputIssues,
  listFilterSql,
  listPage,
  mapListPage,
  orderByKeys,
  pagesByParent,
  uuidsOnly,
  type FieldCipher,
  type TenantDatabase,
} from '@platform/service-kit';
import type { PageRequest } from '@platform/domain';
import { Prisma } from '../../../generated/prisma/client';
import { checkCustomFields } from '../../custom-field/infra/custom-field-values';
import type {
  ActionItem,
  Attachment,
  Interaction,
  JsonObject,
  Participant,
  RelatedEntity,
} from '../domain/interaction';
import type {
  Decided,
  InteractionRepository,
  InteractionSelection,
  Rows,
} from '../domain/interaction-repository';
import { interactionListSpec } from './interaction-list';
import { openInteraction, sealInteraction } from './interaction-pii';

type Transaction = Prisma.TransactionClient;
type InteractionRow = Prisma.InteractionGetPayload<object>;

/* How the lists of objects are stored (JSON), read back checked. */
const participants = z.array(
  z.object({
    role: z.string(),
    contactId: z.string().nullable(),
    userId: z.string().nullable(),
    name: z.string().nullable(),
    email: z.string().nullable(),
  }),
);
const relatedEntities = z.array(
  z.object({ type: z.string(), id: z.string(), role: z.string().nullable(), name: z.string().nullable() }),
);
const attachments = z.array(
  z.object({
    id: z.string().nullable(),
    name: z.string(),
    mimeType: z.string().nullable(),
    size: z.number().nullable(),
    url: z.string().nullable(),
  }),
);
const isoDate = z.iso
  .datetime({ offset: true })
  .nullable()
  .transform((value) => (value === null ? null : new Date(value)));
const actionItems = z.array(
  z.object({
    id: z.string().nullable(),
    text: z.string(),
    status: z.string(),
    assignedToId: z.string().nullable(),
    dueBy: isoDate,
    completedAt: isoDate,
  }),
);
const externalIds = z.record(z.string(), z.string());

function objectOf(value: Prisma.JsonValue | null): JsonObject | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null;
}

/** A value as Prisma writes JSON: plain data only (undefined members dropped, as JSON.stringify would). */
function jsonOf(value: unknown): Prisma.InputJsonValue | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item: unknown) => jsonOf(item));
  if (typeof value === 'object') {
    const object: Record<string, Prisma.InputJsonValue | null> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) object[key] = jsonOf(member);
    }
    return object;
  }
  return null;
}

const jsonColumn = (value: unknown): Prisma.InputJsonValue => jsonOf(value) ?? {};
const nullableJsonColumn = (value: JsonObject | null) => jsonOf(value) ?? Prisma.DbNull;

function toInteraction(cipher: FieldCipher, row: InteractionRow): Interaction {
  return {
    id: row.id,
    organizationId: row.organizationId,
    contactId: row.contactId,
    parentInteractionId: row.parentInteractionId,
    threadId: row.threadId,
    type: row.type,
    direction: row.direction,
    status: row.status,
    priority: row.priority,
    channel: row.channel,
    ...openInteraction(cipher, row),
    summary: row.summary,
    vectorEmbedding: row.vectorEmbedding,
    sentimentScore: row.sentimentScore,
    sentimentLabel: row.sentimentLabel,
    privacyLevel: row.privacyLevel,
    confidentiality: row.confidentiality,
    retentionPolicy: row.retentionPolicy,
    channelData: objectOf(row.channelData),
    participants: participants.parse(row.participants) satisfies Participant[],
    relatedEntities: relatedEntities.parse(row.relatedEntities) satisfies RelatedEntity[],
    occurredAt: row.occurredAt,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    scheduledFor: row.scheduledFor,
    durationSeconds: row.durationSeconds,
    location: objectOf(row.location),
    attachments: attachments.parse(row.attachments) satisfies Attachment[],
    aiMetadata: objectOf(row.aiMetadata),
    actionItems: actionItems.parse(row.actionItems) satisfies ActionItem[],
    followUpRequired: row.followUpRequired,
    followUpBy: row.followUpBy,
    isRead: row.isRead,
    isStarred: row.isStarred,
    tags: row.tags,
    customFields: objectOf(row.customFields) ?? {},
    externalIds: externalIds.parse(row.externalIds),
    metadata: objectOf(row.metadata),
    companyId: row.companyId,
    dealId: row.dealId,
    assignedToId: row.assignedToId,
    createdById: row.createdById,
    updatedById: row.updatedById,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    deletedAt: row.deletedAt,
  };
}

/** An interaction row as PostgreSQL names its columns (what `pagesByParent` returns). */
interface InteractionColumns extends Record<string, unknown> {
  id: string;
  organization_id: string;
  contact_id: string;
  parent_interaction_id: string | null;
  thread_id: string;
  type: InteractionRow['type'];
  direction: InteractionRow['direction'];
  status: InteractionRow['status'];
  priority: InteractionRow['priority'];
  channel: InteractionRow['channel'];
  subject: string | null;
  content: string | null;
  pii_key_id: string;
  summary: string | null;
  vector_embedding: number[] | null;
  sentiment_score: number | null;
  sentiment_label: InteractionRow['sentimentLabel'];
  privacy_level: InteractionRow['privacyLevel'];
  confidentiality: InteractionRow['confidentiality'];
  retention_policy: string | null;
  channel_data: Prisma.JsonValue | null;
  participants: Prisma.JsonValue;
  related_entities: Prisma.JsonValue;
  occurred_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  scheduled_for: Date | null;
  duration_seconds: number | null;
  location: Prisma.JsonValue | null;
  attachments: Prisma.JsonValue;
  ai_metadata: Prisma.JsonValue | null;
  action_items: Prisma.JsonValue;
  follow_up_required: boolean;
  follow_up_by: Date | null;
  is_read: boolean;
  is_starred: boolean;
  tags: string[] | null;
  custom_fields: Prisma.JsonValue;
  external_ids: Prisma.JsonValue;
  metadata: Prisma.JsonValue | null;
  company_id: string | null;
  deal_id: string | null;
  assigned_to_id: string | null;
  created_by_id: string;
  updated_by_id: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

const fromColumns = (row: InteractionColumns): InteractionRow => ({
  id: row.id,
  organizationId: row.organization_id,
  contactId: row.contact_id,
  parentInteractionId: row.parent_interaction_id,
  threadId: row.thread_id,
  type: row.type,
  direction: row.direction,
  status: row.status,
  priority: row.priority,
  channel: row.channel,
  subject: row.subject,
  content: row.content,
  piiKeyId: row.pii_key_id,
  summary: row.summary,
  vectorEmbedding: row.vector_embedding ?? [],
  sentimentScore: row.sentiment_score,
  sentimentLabel: row.sentiment_label,
  privacyLevel: row.privacy_level,
  confidentiality: row.confidentiality,
  retentionPolicy: row.retention_policy,
  channelData: row.channel_data,
  participants: row.participants,
  relatedEntities: row.related_entities,
  occurredAt: row.occurred_at,
  startedAt: row.started_at,
  endedAt: row.ended_at,
  scheduledFor: row.scheduled_for,
  durationSeconds: row.duration_seconds,
  location: row.location,
  attachments: row.attachments,
  aiMetadata: row.ai_metadata,
  actionItems: row.action_items,
  followUpRequired: row.follow_up_required,
  followUpBy: row.follow_up_by,
  isRead: row.is_read,
  isStarred: row.is_starred,
  tags: row.tags ?? [],
  customFields: row.custom_fields,
  externalIds: row.external_ids,
  metadata: row.metadata,
  companyId: row.company_id,
  dealId: row.deal_id,
  assignedToId: row.assigned_to_id,
  createdById: row.created_by_id,
  updatedById: row.updated_by_id,
  version: row.version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  deletedAt: row.deleted_at,
});

/** The stored form of an interaction's changeable columns (subject and content sealed). */
const columnsOf = (cipher: FieldCipher, interaction: Interaction) => ({
  type: interaction.type,
  direction: interaction.direction,
  status: interaction.status,
  priority: interaction.priority,
  channel: interaction.channel,
  ...sealInteraction(cipher, interaction),
  summary: interaction.summary,
  vectorEmbedding: interaction.vectorEmbedding,
  sentimentScore: interaction.sentimentScore,
  sentimentLabel: interaction.sentimentLabel,
  privacyLevel: interaction.privacyLevel,
  confidentiality: interaction.confidentiality,
  retentionPolicy: interaction.retentionPolicy,
  channelData: nullableJsonColumn(interaction.channelData),
  participants: jsonColumn(interaction.participants),
  relatedEntities: jsonColumn(interaction.relatedEntities),
  occurredAt: interaction.occurredAt,
  startedAt: interaction.startedAt,
  endedAt: interaction.endedAt,
  scheduledFor: interaction.scheduledFor,
  durationSeconds: interaction.durationSeconds,
  location: nullableJsonColumn(interaction.location),
  attachments: jsonColumn(interaction.attachments),
  aiMetadata: nullableJsonColumn(interaction.aiMetadata),
  actionItems: jsonColumn(interaction.actionItems),
  followUpRequired: interaction.followUpRequired,
  followUpBy: interaction.followUpBy,
  isRead: interaction.isRead,
  isStarred: interaction.isStarred,
  tags: interaction.tags,
  customFields: jsonColumn(interaction.customFields),
  externalIds: jsonColumn(interaction.externalIds),
  metadata: nullableJsonColumn(interaction.metadata),
  companyId: interaction.companyId,
  dealId: interaction.dealId,
  assignedToId: interaction.assignedToId,
  updatedById: interaction.updatedById,
  version: interaction.version,
  updatedAt: interaction.updatedAt,
  deletedAt: interaction.deletedAt,
});

/**
 * Locks the contact's row until the transaction ends, if it is a live contact of the organization.
 * Every write to a contact's timeline takes it first, so they take turns: each recomputes the
 * contact's lastInteractionAt from what the previous ones committed. FOR NO KEY UPDATE does not block
 * the foreign key checks of rows that merely reference the contact.
 */
async function lockLiveContact(tx: Transaction, organizationId: string, contactId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM contacts
    WHERE id = ${contactId}::uuid AND organization_id = ${organizationId}::uuid AND deleted_at IS NULL
    FOR NO KEY UPDATE`;
  return rows.length > 0;
}

/**
 * The contact's lastInteractionAt, recomputed: when its latest live interaction happened (null without
 * any). One UPDATE of the contacts table that changes neither the contact's version nor its updatedAt:
 * the contact did not change, its timeline did.
 */
async function refreshLastInteractionAt(tx: Transaction, organizationId: string, contactId: string) {
  await tx.$executeRaw`
    UPDATE contacts SET last_interaction_at = (
      SELECT max(occurred_at) FROM interactions
      WHERE organization_id = ${organizationId}::uuid AND contact_id = ${contactId}::uuid AND deleted_at IS NULL
    )
    WHERE id = ${contactId}::uuid AND organization_id = ${organizationId}::uuid`;
}

const STALE = 'The interaction changed since it was read; read it again and reapply the change';

/**
 * Interactions over Prisma. Every call runs in the organization's tenant transaction (row-level
 * security backs up the explicit organization filter). Subject and content are sealed on the way in
 * and opened on the way out (interaction-pii.ts).
 */
export function interactionRepository(
  db: TenantDatabase<Transaction>,
  cipher: FieldCipher,
): InteractionRepository {
  const toModel = (row: InteractionRow) => toInteraction(cipher, row);

  /**
   * Pages of interactions by a parent column, newest occurredAt first, filtered as the lists filter
   * (interaction-list.ts): one statement for any number of parents.
   */
  const pages = (
    tx: Transaction,
    organizationId: string,
    parentColumn: 'contact_id' | 'parent_interaction_id',
    parentIds: readonly string[],
    request: PageRequest,
    selection: InteractionSelection,
  ): Promise<Array<Rows<Interaction>>> =>
    pagesByParent<InteractionColumns>(tx, {
      table: 'interactions',
      parentColumn,
      organizationId,
      parentIds,
      request,
      orderColumn: 'occurred_at',
      where: (bind) =>
        listFilterSql(
          interactionListSpec({ deleted: selection.deleted }),
          selection.filter,
          (value, type) => `${bind(value)}::${type}`,
        ),
    }).then((found) =>
      found.map(({ rows, totalCount }) => ({
        rows: rows.map((row) => toModel(fromColumns(row))),
        totalCount,
      })),
    );

  return {
    create: (interaction, events) =>
      db.write(interaction.organizationId, events, async (tx) => {
        if (!(await lockLiveContact(tx, interaction.organizationId, interaction.contactId)))
          new InputIssues().add('contactId', 'is not a contact of the organization').throwIfAny();
        // The organization's custom field definitions for interactions decide the values (defaults too).
        const customFields = await checkCustomFields(
          tx,
          interaction.organizationId,
          'interaction',
          interaction.customFields,
          { entityId: interaction.id, creating: true },
        );
        const row = await tx.interaction.create({
          data: {
            id: interaction.id,
            organizationId: interaction.organizationId,
            contactId: interaction.contactId,
            parentInteractionId: interaction.parentInteractionId,
            threadId: interaction.threadId,
            createdById: interaction.createdById,
            createdAt: interaction.createdAt,
            ...columnsOf(cipher, { ...interaction, customFields }),
          },
        });
        await refreshLastInteractionAt(tx, interaction.organizationId, interaction.contactId);
        return toModel(row);
      }),

    change: (organizationId, id, options, decide) =>
      db.writeDecided(organizationId, async (tx): Promise<Decided<Interaction | null>> => {
        const where: Prisma.InteractionWhereInput = {
          id,
          organizationId,
          contact: { deletedAt: null },
          ...(options.withDeleted ? {} : { deletedAt: null }),
        };
        // The contact never changes: its lock is taken first, then the interaction is read as it is now.
        const seen = await tx.interaction.findFirst({ where, select: { contactId: true } });
        if (!seen || !(await lockLiveContact(tx, organizationId, seen.contactId)))
          return { value: null, events: [] };
        const row = await tx.interaction.findFirst({ where });
        if (!row) return { value: null, events: [] };
        const current = toModel(row);
        const decided = decide(current);
        if (decided.events.length === 0) return decided;
        const { events } = decided;
        // New custom field values go through the definitions (archived fields' stored values carried over).
        const value =
          JSON.stringify(decided.value.customFields) === JSON.stringify(current.customFields)
            ? decided.value
            : {
                ...decided.value,
                customFields: await checkCustomFields(
                  tx,
                  organizationId,
                  'interaction',
                  decided.value.customFields,
                  { entityId: id, creating: false, stored: current.customFields },
                ),
              };
        // The version is the lock of last resort: only if nobody saved since it was read.
        const { count } = await tx.interaction.updateMany({
          where: { id, organizationId, version: current.version },
          data: columnsOf(cipher, value),
        });
        if (count === 0) throw conflict(STALE, { currentVersion: current.version });
        await refreshLastInteractionAt(tx, organizationId, current.contactId);
        return { value, events };
      }),

    async find(organizationId, id) {
      if (uuidsOnly([id]).length === 0) return null;
      const row = await db.read(organizationId, (tx) =>
        tx.interaction.findFirst({
          where: { id, organizationId, deletedAt: null, contact: { deletedAt: null } },
        }),
      );
      return row ? toModel(row) : null;
    },

    async byIds(organizationId, ids) {
      const rows = await db.read(organizationId, (tx) =>
        tx.interaction.findMany({
          where: {
            organizationId,
            id: { in: uuidsOnly(ids) },
            deletedAt: null,
            contact: { deletedAt: null },
          },
        }),
      );
      return orderByKeys(ids, rows.map(toModel), (interaction) => interaction.id);
    },

    list: (organizationId, request, deleted) =>
      db.read(organizationId, async (tx) => {
        const page = await listPage<InteractionColumns>(
          tx,
          interactionListSpec({ deleted }),
          organizationId,
          request,
        );
        return mapListPage(page, (row) => toModel(fromColumns(row)));
      }),

    ofContacts: (organizationId, contactIds, selection, request) =>
      db.read(organizationId, (tx) =>
        pages(tx, organizationId, 'contact_id', contactIds, request, selection),
      ),

    repliesTo: (organizationId, parentIds, request) =>
      db.read(organizationId, (tx) =>
        pages(tx, organizationId, 'parent_interaction_id', parentIds, request, {
          filter: null,
          deleted: false,
        }),
      ),

    async hasLiveContact(organizationId, contactId) {
      const found = await db.read(organizationId, (tx) =>
        tx.contact.count({ where: { id: contactId, organizationId, deletedAt: null } }),
      );
      return found > 0;
    },
  };
}
