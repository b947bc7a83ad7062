import { z } from 'zod';
import { auditEntry } from './audit';
import { CONVERSATION_PLATFORMS, LEAD_MATCHES } from './conversations';
import { entry, timestamp, uuid } from './schema';

/** Events crm publishes, and the enums they carry (crm's domain uses these values). */

export const RELATIONSHIP_STATES = [
  'Lead',
  'Prospect',
  'Client',
  'PastClient',
  'Vendor',
  'Partner',
  'Internal',
  'System',
] as const;

const contactCreatedData = z
  .object({
    contactId: uuid(),
    organizationId: uuid(),
    ownerId: uuid().nullable().describe('The user who owns the contact, if any.'),
    companyId: uuid().nullable().describe('The company (client account) the contact belongs to, if any.'),
    relationshipState: z
      .enum(RELATIONSHIP_STATES)
      .describe('Where the contact stands with the organization.'),
    tags: z.array(z.string().min(1)),
    createdAt: timestamp(),
  })
  .describe(
    'A contact was created. Carries no PII (no names, emails or phones): subscribers that need them ' +
      'fetch the contact through the graph, where entitlements and audit apply.',
  );

/** Lifecycle stages (spec 003) and lead statuses (001/003): beside relationshipState, not instead of it. */
export const LIFECYCLE_STAGES = ['lead', 'mql', 'sql', 'opportunity', 'customer'] as const;
export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'converted', 'lost'] as const;
export const CONTACT_STATUSES = ['active', 'inactive', 'unsubscribed'] as const;
export const ORGANIZATION_ROLES = ['Buyer', 'Seller', 'Both', 'None'] as const;

/** The fields `updateContact` may change, as `crm.contact.updated.v1` names them. */
export const CONTACT_UPDATABLE_FIELDS = [
  'givenName',
  'familyName',
  'email',
  'phone',
  'relationshipState',
  'lifecycleStage',
  'leadStatus',
  'status',
  'organizationRole',
  'locale',
  'timezone',
  'nextFollowUpAt',
  'tags',
  'ownerId',
  'customFields',
  'middleName',
  'prefix',
  'suffix',
  'emails',
  'phones',
  'addresses',
  'dateOfBirth',
  'gender',
  'avatarUrl',
  'bio',
  'source',
  'sourceDetails',
  'privacyLevel',
  'metadata',
  'externalIds',
  'assignedUserId',
  'companyId',
  'leadScore',
  'leadScoreValue',
] as const;

const contactUpdatedData = z
  .object({
    contactId: uuid(),
    organizationId: uuid(),
    changedFields: z
      .array(z.enum(CONTACT_UPDATABLE_FIELDS))
      .min(1)
      .describe('Which fields changed; never their values (several are personal data).'),
    version: z.number().int().positive().describe('The contact’s version after the change.'),
    relationshipState: z.enum(RELATIONSHIP_STATES),
    lifecycleStage: z.enum(LIFECYCLE_STAGES).nullable(),
    leadStatus: z.enum(LEAD_STATUSES).nullable(),
    status: z.enum(CONTACT_STATUSES),
    ownerId: uuid().nullable(),
    companyId: uuid().nullable().describe('The company the contact belongs to after the change, if any.'),
    updatedById: uuid().nullable(),
    updatedAt: timestamp(),
  })
  .describe('A contact changed. Names the changed fields and carries the non-personal state only.');

const contactMergedData = z
  .object({
    contactId: uuid().describe('The contact that was kept (the merge target).'),
    mergedContactId: uuid().describe('The contact merged into it, now deleted (restorable).'),
    organizationId: uuid(),
    changedFields: z
      .array(z.enum(CONTACT_UPDATABLE_FIELDS))
      .describe('Fields of the kept contact the merge filled or extended; never their values.'),
    movedRecords: z
      .record(z.string(), z.number().int().nonnegative())
      .describe('How many records of each kind now point at the kept contact (tasks, tickets, …).'),
    mergedById: uuid().nullable(),
    mergedAt: timestamp(),
  })
  .describe('Two contacts were merged: one kept, the other deleted, its records moved to the kept one.');

const contactDeletedData = z
  .object({
    contactId: uuid(),
    organizationId: uuid(),
    deletedById: uuid().nullable(),
    deletedAt: timestamp(),
  })
  .describe('A contact was deleted (soft: it can be restored; its email and phone are free again).');

const contactRestoredData = z
  .object({
    contactId: uuid(),
    organizationId: uuid(),
    restoredById: uuid().nullable(),
    restoredAt: timestamp(),
  })
  .describe('A deleted contact was restored.');

/** Tickets (spec 004 TICKET): what a ticket is about, how urgent it is and where it stands. */
export const TICKET_CATEGORIES = ['technical', 'billing', 'campaign', 'general', 'escalation'] as const;
export const TICKET_PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export const TICKET_STATUSES = ['new', 'in_progress', 'waiting_client', 'resolved'] as const;
/** The fields `updateTicket` may change, as `crm.ticket.updated.v1` names them. */
export const TICKET_UPDATABLE_FIELDS = [
  'title',
  'description',
  'category',
  'priority',
  'dueDate',
  'timeSpentMinutes',
  'assigneeId',
  'companyId',
  'contactId',
] as const;

const calendarDate = () => z.iso.date();

const ticketOpenedData = z
  .object({
    ticketId: uuid(),
    organizationId: uuid(),
    number: z.number().int().positive().describe('The ticket number, gap-free per organization from 1.'),
    category: z.enum(TICKET_CATEGORIES),
    priority: z.enum(TICKET_PRIORITIES),
    status: z.enum(TICKET_STATUSES),
    assigneeId: uuid().nullable().describe('The user working the ticket, if any.'),
    companyId: uuid().nullable().describe('The client company the ticket is for, if any.'),
    contactId: uuid().nullable().describe('The contact the ticket is for, if any.'),
    dueDate: calendarDate().nullable(),
    createdBy: uuid().describe('The user who opened the ticket.'),
    createdAt: timestamp(),
  })
  .describe(
    'A ticket was opened. Carries no title, description or note text: subscribers that need them ' +
      'fetch the ticket through the graph.',
  );

const ticketUpdatedData = z
  .object({
    ticketId: uuid(),
    organizationId: uuid(),
    changedFields: z
      .array(z.enum(TICKET_UPDATABLE_FIELDS))
      .min(1)
      .describe('The fields the change touched (names only, never their text).'),
    category: z.enum(TICKET_CATEGORIES),
    priority: z.enum(TICKET_PRIORITIES),
    assigneeId: uuid().nullable(),
    companyId: uuid().nullable(),
    contactId: uuid().nullable(),
    updatedBy: uuid(),
    updatedAt: timestamp(),
  })
  .describe('A ticket changed; the ids and enums as the change left them.');

const ticketStatusChangedData = z
  .object({
    ticketId: uuid(),
    organizationId: uuid(),
    from: z.enum(TICKET_STATUSES),
    to: z.enum(TICKET_STATUSES),
    changedBy: uuid(),
    changedAt: timestamp(),
  })
  .describe('A ticket moved from one status to another (resolved, reopened, waiting for the client…).');

const ticketNoteAddedData = z
  .object({
    ticketId: uuid(),
    organizationId: uuid(),
    noteId: uuid(),
    isInternal: z
      .boolean()
      .describe('Internal notes are for the organization only; others the client may read.'),
    addedBy: uuid(),
    addedAt: timestamp(),
  })
  .describe('A note was added to a ticket. Carries no note text.');

/** Tasks (spec 003 TASK, 004 checklist TASK): to-dos on a contact, company or deal, or in a checklist. */
export const TASK_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export const TASK_STATUSES = ['open', 'completed'] as const;
/** The fields `updateTask` (and `moveTask`, for sortOrder) may change, as `crm.task.updated.v1` names them. */
export const TASK_UPDATABLE_FIELDS = [
  'title',
  'description',
  'priority',
  'dueAt',
  'assigneeId',
  'contactId',
  'companyId',
  'dealId',
  'stage',
  'sortOrder',
] as const;

const taskLinks = {
  assigneeId: uuid().nullable().describe('The user the task is assigned to, if any.'),
  contactId: uuid().nullable().describe('The contact the task is about, if any.'),
  companyId: uuid()
    .nullable()
    .describe('The client company the task is about (or whose checklist it is in).'),
  dealId: uuid().nullable().describe('The deal the task is about, if any.'),
};

const taskCreatedData = z
  .object({
    taskId: uuid(),
    organizationId: uuid(),
    priority: z.enum(TASK_PRIORITIES),
    status: z.enum(TASK_STATUSES),
    ...taskLinks,
    dueAt: timestamp().nullable(),
    sortOrder: z
      .number()
      .int()
      .nonnegative()
      .nullable()
      .describe('The place in its checklist (0 first); null when the task is in no checklist.'),
    createdBy: uuid().describe('The user who created the task.'),
    createdAt: timestamp(),
  })
  .describe(
    'A task was created. Carries no title, description or checklist stage (free text): subscribers ' +
      'that need them fetch the task through the graph.',
  );

const taskUpdatedData = z
  .object({
    taskId: uuid(),
    organizationId: uuid(),
    changedFields: z
      .array(z.enum(TASK_UPDATABLE_FIELDS))
      .min(1)
      .describe('The fields the change touched (names only, never their text).'),
    priority: z.enum(TASK_PRIORITIES),
    ...taskLinks,
    dueAt: timestamp().nullable(),
    sortOrder: z.number().int().nonnegative().nullable(),
    updatedBy: uuid(),
    updatedAt: timestamp(),
  })
  .describe('A task changed or moved in its checklist; the ids and enums as the change left them.');

const taskCompletedData = z
  .object({
    taskId: uuid(),
    organizationId: uuid(),
    completedBy: uuid(),
    completedAt: timestamp(),
  })
  .describe('A task was completed.');

const taskReopenedData = z
  .object({
    taskId: uuid(),
    organizationId: uuid(),
    reopenedBy: uuid(),
    reopenedAt: timestamp(),
  })
  .describe('A completed task was reopened.');

const taskDeletedData = z
  .object({
    taskId: uuid(),
    organizationId: uuid(),
    deletedBy: uuid(),
    deletedAt: timestamp(),
  })
  .describe('A task was deleted (for good: tasks are not kept once deleted).');

/**
 * Pipelines and deals (spec 003 Pipeline and Opportunity). Events carry ids, enums, stage ids and the
 * names of changed fields: no names, descriptions, lost reasons, amounts or custom field values.
 */
export const PIPELINE_STAGE_KINDS = ['open', 'won', 'lost'] as const;
export const DEAL_STATUSES = ['open', 'won', 'lost'] as const;
/** The fields `updatePipeline` may change (and `isDefault` when another pipeline becomes the default). */
export const PIPELINE_UPDATABLE_FIELDS = ['name', 'currency', 'isDefault', 'stages'] as const;
/** The fields `updateDeal` may change, as `crm.deal.updated.v1` names them. */
export const DEAL_UPDATABLE_FIELDS = [
  'name',
  'description',
  'amount',
  'currency',
  'probability',
  'expectedCloseDate',
  'actualCloseDate',
  'lostReason',
  'contactId',
  'companyId',
  'ownerId',
  'customFields',
  'tags',
] as const;
/** Why a deal changed stage: someone moved it, or its stage was removed and its deals moved on. */
export const DEAL_MOVE_CAUSES = ['moved', 'stage_removed'] as const;

const pipelineStageSummary = z
  .object({
    stageId: uuid(),
    position: z.number().int().nonnegative().describe('Its place in the pipeline, 0 first.'),
    kind: z.enum(PIPELINE_STAGE_KINDS),
    probability: z.number().int().min(0).max(100).describe('The win probability of its deals, in %.'),
  })
  .describe('A stage of the pipeline, without its name.');

const pipelineCreatedData = z
  .object({
    pipelineId: uuid(),
    organizationId: uuid(),
    isDefault: z.boolean().describe('Whether new deals go to this pipeline when none is named.'),
    stages: z.array(pipelineStageSummary).min(3).describe('Its stages in their order.'),
    createdBy: uuid(),
    createdAt: timestamp(),
  })
  .describe('A pipeline was created. Carries no pipeline or stage names.');

const pipelineUpdatedData = z
  .object({
    pipelineId: uuid(),
    organizationId: uuid(),
    changedFields: z
      .array(z.enum(PIPELINE_UPDATABLE_FIELDS))
      .min(1)
      .describe('The fields the change touched (names only).'),
    version: z.number().int().positive().describe('The pipeline’s version after the change.'),
    isDefault: z.boolean(),
    stages: z.array(pipelineStageSummary).min(3).describe('Its stages in their order after the change.'),
    removedStageIds: z.array(uuid()).describe('Stages the change removed.'),
    movedDealCount: z
      .number()
      .int()
      .nonnegative()
      .describe('How many deals of removed stages moved to another stage (each has its stage_moved event).'),
    updatedBy: uuid(),
    updatedAt: timestamp(),
  })
  .describe('A pipeline changed: renamed, its stages edited, or it became or stopped being the default.');

const pipelineDeletedData = z
  .object({
    pipelineId: uuid(),
    organizationId: uuid(),
    deletedBy: uuid(),
    deletedAt: timestamp(),
  })
  .describe('A pipeline was deleted (soft: its closed deals keep pointing at it).');

const dealLinks = {
  pipelineId: uuid().describe('The pipeline the deal is in.'),
  stageId: uuid().describe('The stage the deal is in.'),
  status: z.enum(DEAL_STATUSES).describe('open, won or lost: the kind of its stage.'),
  ownerId: uuid().nullable().describe('The user responsible for the deal, if any.'),
  contactId: uuid().nullable().describe('The deal’s primary contact, if any.'),
  companyId: uuid().nullable().describe('The company the deal is with, if any.'),
};

const dealCreatedData = z
  .object({
    dealId: uuid(),
    organizationId: uuid(),
    ...dealLinks,
    createdBy: uuid(),
    createdAt: timestamp(),
  })
  .describe(
    'A deal was created. Carries no name, description, amount or custom field values: subscribers ' +
      'that need them fetch the deal through the graph (deals:read).',
  );

const dealUpdatedData = z
  .object({
    dealId: uuid(),
    organizationId: uuid(),
    changedFields: z
      .array(z.enum(DEAL_UPDATABLE_FIELDS))
      .min(1)
      .describe('The fields the change touched (names only, never their values).'),
    version: z.number().int().positive().describe('The deal’s version after the change.'),
    ...dealLinks,
    updatedBy: uuid(),
    updatedAt: timestamp(),
  })
  .describe('A deal changed; the ids and status as the change left them.');

const dealStageMovedData = z
  .object({
    dealId: uuid(),
    organizationId: uuid(),
    fromPipelineId: uuid(),
    fromStageId: uuid(),
    toPipelineId: uuid(),
    toStageId: uuid(),
    fromStatus: z.enum(DEAL_STATUSES),
    status: z.enum(DEAL_STATUSES).describe('The deal’s status after the move.'),
    cause: z.enum(DEAL_MOVE_CAUSES),
    version: z.number().int().positive().describe('The deal’s version after the move.'),
    movedBy: uuid(),
    movedAt: timestamp(),
  })
  .describe('A deal moved from one stage to another (recorded in its stage history).');

const dealClosedData = z.object({
  dealId: uuid(),
  organizationId: uuid(),
  pipelineId: uuid(),
  stageId: uuid(),
  actualCloseDate: z.iso.date().describe('The day the deal closed.'),
  closedBy: uuid(),
  closedAt: timestamp(),
});

const dealDeletedData = z
  .object({
    dealId: uuid(),
    organizationId: uuid(),
    deletedBy: uuid(),
    deletedAt: timestamp(),
  })
  .describe('A deal was deleted (soft: it can be restored).');

const dealRestoredData = z
  .object({
    dealId: uuid(),
    organizationId: uuid(),
    ...dealLinks,
    restoredBy: uuid(),
    restoredAt: timestamp(),
  })
  .describe('A deleted deal was restored, into the stage it was in (or was moved to meanwhile).');

/**
 * Custom field definitions (spec 000 CustomField, spec 003 CustomFieldDefinition): the organization's
 * own fields on contacts, companies, deals and interactions, with 000's data types and 003's validation.
 */
export const CUSTOM_FIELD_ENTITY_TYPES = ['contact', 'company', 'deal', 'interaction'] as const;
export const CUSTOM_FIELD_DATA_TYPES = [
  'text',
  'long_text',
  'number',
  'decimal',
  'currency',
  'boolean',
  'date',
  'datetime',
  'select',
  'multiselect',
  'email',
  'phone',
  'url',
] as const;
/** The fields `updateCustomFieldDefinition` may change, as `crm.custom_field.updated.v1` names them. */
export const CUSTOM_FIELD_UPDATABLE_FIELDS = [
  'label',
  'description',
  'validation',
  'options',
  'defaultValue',
  'position',
] as const;

const customFieldIdentity = {
  definitionId: uuid(),
  organizationId: uuid(),
  entityType: z.enum(CUSTOM_FIELD_ENTITY_TYPES).describe('The kind of record the field belongs to.'),
  key: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,62}$/)
    .describe('The field’s key in the records’ custom field values (a slug, never changes).'),
};

const customFieldCreatedData = z
  .object({
    ...customFieldIdentity,
    dataType: z.enum(CUSTOM_FIELD_DATA_TYPES),
    isArray: z.boolean().describe('Whether a value is a list of values of the data type.'),
    required: z.boolean(),
    unique: z.boolean(),
    position: z.number().int().nonnegative().describe('Its place among the entity type’s fields.'),
    createdBy: uuid(),
    createdAt: timestamp(),
  })
  .describe(
    'A custom field was defined. Carries no label, description, options or default value: ' +
      'subscribers that need them fetch the definition through the graph.',
  );

const customFieldUpdatedData = z
  .object({
    ...customFieldIdentity,
    changedFields: z
      .array(z.enum(CUSTOM_FIELD_UPDATABLE_FIELDS))
      .min(1)
      .describe('The parts of the definition the change touched (names only).'),
    updatedBy: uuid(),
    updatedAt: timestamp(),
  })
  .describe('A custom field definition changed.');

const customFieldArchivedData = z
  .object({ ...customFieldIdentity, archivedBy: uuid(), archivedAt: timestamp() })
  .describe(
    'A custom field was archived (soft delete): records keep their values, which no longer show or ' +
      'validate until the field is restored.',
  );

const customFieldRestoredData = z
  .object({ ...customFieldIdentity, restoredBy: uuid(), restoredAt: timestamp() })
  .describe('An archived custom field was restored, with the values records kept.');

/**
 * Consent and communication preferences of contacts. Purposes: marketing in general (spec 000's
 * `consentStatus.marketing`), marketing on each channel (email, SMS, calls, WhatsApp, social messages,
 * postal mail: each needs its own opt-in under CASL, TCPA and WhatsApp's rules), AI processing of the
 * contact's data (000's AI features, 001/003 scoring: what GDPR calls profiling), sharing with third
 * parties (001's CRM sync, CCPA's "share") and the privacy policy (000's `consentStatus.privacyPolicy`).
 */
export const CONTACT_CHANNELS = ['email', 'sms', 'phone', 'whatsapp', 'social', 'mail'] as const;
export const CONSENT_PURPOSES = [
  'marketing',
  'email_marketing',
  'sms_marketing',
  'phone_marketing',
  'whatsapp_marketing',
  'social_marketing',
  'mail_marketing',
  'ai_processing',
  'data_sharing',
  'privacy_policy',
] as const;
export const CONSENT_STATUSES = ['unknown', 'pending', 'granted', 'denied', 'withdrawn'] as const;
/** How the contact expressed it (not which client recorded it). */
export const CONSENT_SOURCES = [
  'form',
  'double_opt_in',
  'preference_center',
  'inbound_message',
  'user',
  'import',
  'api',
  'unsubscribe_link',
] as const;
/** The fields `setContactPreferences` may change, as `crm.contact.preferences_changed.v1` names them. */
export const CONTACT_PREFERENCE_FIELDS = [
  'channels',
  'preferredChannel',
  'language',
  'communicationHours',
  'marketingFrequencyCap',
  'doNotContact',
] as const;

const consentChangedData = z
  .object({
    contactId: uuid(),
    organizationId: uuid(),
    purpose: z.enum(CONSENT_PURPOSES),
    from: z
      .enum(CONSENT_STATUSES)
      .nullable()
      .describe('The status before the change; null when the purpose had none recorded.'),
    to: z.enum(CONSENT_STATUSES),
    source: z.enum(CONSENT_SOURCES).describe('How the contact expressed it.'),
    capturedAt: timestamp().describe('When the contact expressed it (may precede occurredAt).'),
    changedBy: uuid().nullable().describe('The user who recorded it; null when the platform did.'),
    occurredAt: timestamp().describe('When crm recorded the change.'),
  })
  .describe(
    'A contact’s consent for a purpose changed. Carries no source details, IP address or anything ' +
      'else the contact gave: subscribers that need them read Contact.consents through the graph.',
  );

const subscriptionFields = {
  contactId: uuid(),
  organizationId: uuid(),
  marketingChannels: z
    .array(z.enum(CONTACT_CHANNELS))
    .describe('Every channel marketing may use after the change (quiet hours and caps aside).'),
  unsubscribed: z
    .boolean()
    .describe('Whether the contact is unsubscribed after the change: no marketing channel, and a refusal.'),
  occurredAt: timestamp(),
};

const contactUnsubscribedData = z
  .object({
    ...subscriptionFields,
    channels: z
      .array(z.enum(CONTACT_CHANNELS))
      .describe('The channels marketing could use before and cannot now (empty when none could).'),
  })
  .describe(
    'A contact can no longer receive marketing on some channels, or became unsubscribed. Senders stop ' +
      'marketing to it on those channels.',
  );

const contactResubscribedData = z
  .object({
    ...subscriptionFields,
    channels: z
      .array(z.enum(CONTACT_CHANNELS))
      .describe('The channels marketing can use now and could not before (empty when none).'),
  })
  .describe(
    'A contact can receive marketing on channels where it could not (a first opt-in included), or is ' +
      'no longer unsubscribed.',
  );

const contactPreferencesChangedData = z
  .object({
    contactId: uuid(),
    organizationId: uuid(),
    changedFields: z
      .array(z.enum(CONTACT_PREFERENCE_FIELDS))
      .min(1)
      .describe('Which preferences changed; never their values.'),
    doNotContact: z.boolean().describe('Whether the contact may be contacted at all after the change.'),
    changedBy: uuid().nullable(),
    occurredAt: timestamp(),
  })
  .describe('A contact’s communication preferences changed. Names the changed fields only.');

/**
 * Interactions (spec 000 Interaction = spec 003 Activity): the contact timeline. The enums are 000's;
 * subject and content are personal data and never travel in an event.
 */
export const INTERACTION_TYPES = [
  'Email',
  'Call',
  'Meeting',
  'Sms',
  'Chat',
  'Form',
  'WebVisit',
  'Social',
  'Document',
  'System',
  'Note',
  'Task',
] as const;
export const INTERACTION_DIRECTIONS = ['Inbound', 'Outbound', 'SystemGenerated'] as const;
export const INTERACTION_STATUSES = [
  'Draft',
  'Pending',
  'InProgress',
  'Completed',
  'Failed',
  'Cancelled',
  'Snoozed',
] as const;
export const INTERACTION_PRIORITIES = ['Low', 'Normal', 'High', 'Urgent'] as const;
export const INTERACTION_CHANNELS = [
  'Email',
  'Phone',
  'SMS',
  'WhatsApp',
  'Web',
  'MobileApp',
  'InPerson',
  'Mail',
  'Social',
  'Other',
] as const;
export const SENTIMENT_LABELS = ['VeryNegative', 'Negative', 'Neutral', 'Positive', 'VeryPositive'] as const;
export const PRIVACY_LEVELS = ['Public', 'Internal', 'Private', 'Confidential'] as const;
export const CONFIDENTIALITY_LEVELS = ['Standard', 'Sensitive', 'HighlySensitive'] as const;
/** The fields `updateInteraction` may change, as `crm.interaction.updated.v1` names them. */
export const INTERACTION_UPDATABLE_FIELDS = [
  'type',
  'direction',
  'status',
  'priority',
  'channel',
  'subject',
  'content',
  'summary',
  'vectorEmbedding',
  'sentimentScore',
  'sentimentLabel',
  'privacyLevel',
  'confidentiality',
  'retentionPolicy',
  'channelData',
  'participants',
  'relatedEntities',
  'occurredAt',
  'startedAt',
  'endedAt',
  'scheduledFor',
  'durationSeconds',
  'location',
  'attachments',
  'aiMetadata',
  'actionItems',
  'followUpRequired',
  'followUpBy',
  'isRead',
  'isStarred',
  'tags',
  'customFields',
  'externalIds',
  'metadata',
  'companyId',
  'dealId',
  'assignedToId',
] as const;

const interactionKind = {
  contactId: uuid().describe('The contact whose timeline the interaction is on.'),
  type: z.enum(INTERACTION_TYPES),
  channel: z.enum(INTERACTION_CHANNELS),
  direction: z.enum(INTERACTION_DIRECTIONS),
  status: z.enum(INTERACTION_STATUSES),
  privacyLevel: z
    .enum(PRIVACY_LEVELS)
    .describe('The level the interaction was given (its tags may make its content stricter still).'),
  occurredAt: timestamp().describe('When the interaction happened (its place on the timeline).'),
};

const interactionCreatedData = z
  .object({
    interactionId: uuid(),
    organizationId: uuid(),
    ...interactionKind,
    parentInteractionId: uuid().nullable().describe('The interaction it replies to, if any.'),
    threadId: uuid().describe('The id of the thread’s first interaction (its own id for a new thread).'),
    assignedToId: uuid().nullable().describe('The user the interaction is assigned to, if any.'),
    createdById: uuid(),
    createdAt: timestamp(),
  })
  .describe(
    'An interaction was recorded on a contact’s timeline. Carries no subject, content, summary, ' +
      'participants or other free text: subscribers that need them read the interaction through the ' +
      'graph, where its privacy level applies.',
  );

const interactionUpdatedData = z
  .object({
    interactionId: uuid(),
    organizationId: uuid(),
    ...interactionKind,
    changedFields: z
      .array(z.enum(INTERACTION_UPDATABLE_FIELDS))
      .min(1)
      .describe('The fields the change touched (names only, never their values).'),
    version: z.number().int().positive().describe('The interaction’s version after the change.'),
    assignedToId: uuid().nullable(),
    updatedById: uuid(),
    updatedAt: timestamp(),
  })
  .describe('An interaction changed; the ids and enums as the change left them.');

const interactionDeletedData = z
  .object({
    interactionId: uuid(),
    organizationId: uuid(),
    contactId: uuid(),
    version: z.number().int().positive(),
    deletedById: uuid(),
    deletedAt: timestamp(),
  })
  .describe('An interaction was soft-deleted: it leaves the timeline and can be restored.');

const interactionRestoredData = z
  .object({
    interactionId: uuid(),
    organizationId: uuid(),
    contactId: uuid(),
    version: z.number().int().positive(),
    restoredById: uuid(),
    restoredAt: timestamp(),
  })
  .describe('A soft-deleted interaction was restored to the timeline.');

/**
 * Companies (spec 003 Company, spec 004 CLIENT account): size bands, health, who is assigned and how,
 * and the ad platforms whose daily figures are recorded on them.
 */
export const COMPANY_SIZES = [
  'employees_1_10',
  'employees_11_50',
  'employees_51_200',
  'employees_201_500',
  'employees_501_1000',
  'employees_1001_5000',
  'employees_5001_10000',
  'employees_10001_plus',
] as const;
export const COMPANY_HEALTH_STATUSES = ['green', 'yellow', 'red'] as const;
export const COMPANY_ASSIGNMENT_ROLES = ['owner', 'collaborator'] as const;
export const AD_PLATFORMS = ['google_ads', 'meta_ads'] as const;
/** The fields `updateCompany` may change, as `crm.company.updated.v1` names them. */
export const COMPANY_UPDATABLE_FIELDS = [
  'name',
  'domain',
  'website',
  'industry',
  'size',
  'revenue',
  'currency',
  'description',
  'parentCompanyId',
  'primaryContactId',
  'installDate',
  'lifetimeValue',
  'notes',
  'tags',
  'isActive',
  'customFields',
] as const;

const companyLinks = {
  parentCompanyId: uuid().nullable().describe('The parent company (same organization), if any.'),
  primaryContactId: uuid().nullable().describe('The primary contact (a crm contact), if any.'),
};

const companyCreatedData = z
  .object({
    companyId: uuid(),
    organizationId: uuid(),
    ...companyLinks,
    accountStage: z
      .string()
      .min(1)
      .describe('The pipeline stage it starts in (one of the organization’s configured stage names).'),
    size: z.enum(COMPANY_SIZES).nullable(),
    isActive: z.boolean(),
    createdById: uuid().describe('The user who created the company.'),
    createdAt: timestamp(),
  })
  .describe(
    'A company (client account) was created. Carries no name, domain, website, notes or other free ' +
      'text: subscribers that need them fetch the company through the graph.',
  );

const companyUpdatedData = z
  .object({
    companyId: uuid(),
    organizationId: uuid(),
    changedFields: z
      .array(z.enum(COMPANY_UPDATABLE_FIELDS))
      .min(1)
      .describe('Which fields changed; never their values.'),
    version: z.number().int().positive().describe('The company’s version after the change.'),
    ...companyLinks,
    size: z.enum(COMPANY_SIZES).nullable(),
    isActive: z.boolean(),
    updatedById: uuid(),
    updatedAt: timestamp(),
  })
  .describe('A company changed. Names the changed fields; carries ids and enums as the change left them.');

const companyDeletedData = z
  .object({
    companyId: uuid(),
    organizationId: uuid(),
    version: z.number().int().positive(),
    deletedById: uuid(),
    deletedAt: timestamp(),
  })
  .describe('A company was deleted (soft: it can be restored; its domain is free again).');

const companyRestoredData = z
  .object({
    companyId: uuid(),
    organizationId: uuid(),
    version: z.number().int().positive(),
    restoredById: uuid(),
    restoredAt: timestamp(),
  })
  .describe('A deleted company was restored.');

const companyStageMovedData = z
  .object({
    companyId: uuid(),
    organizationId: uuid(),
    stageEventId: uuid().describe('The stage-history entry the move wrote.'),
    from: z.string().min(1).describe('The stage it left.'),
    to: z.string().min(1).describe('The stage it entered (one of the organization’s stages).'),
    version: z.number().int().positive(),
    movedById: uuid(),
    movedAt: timestamp(),
  })
  .describe('A company moved to another pipeline stage. Carries no notes.');

const companyAssignmentData = {
  companyId: uuid(),
  organizationId: uuid(),
  assignmentId: uuid(),
  userId: uuid().describe('The assigned user.'),
  role: z.enum(COMPANY_ASSIGNMENT_ROLES),
};

const companyAssignmentAddedData = z
  .object({ ...companyAssignmentData, assignedById: uuid(), assignedAt: timestamp() })
  .describe('A user was assigned to a company as owner or collaborator.');

const companyAssignmentRemovedData = z
  .object({ ...companyAssignmentData, removedById: uuid(), removedAt: timestamp() })
  .describe('A user’s assignment to a company (in one role) was removed.');

const companyAdPerformanceRecordedData = z
  .object({
    companyId: uuid(),
    organizationId: uuid(),
    adPerformanceId: uuid(),
    platform: z.enum(AD_PLATFORMS),
    date: calendarDate().describe('The day the figures are for.'),
    created: z.boolean().describe('Whether the day was new (false: its figures were corrected).'),
    recordedById: uuid(),
    recordedAt: timestamp(),
  })
  .describe('A day of ad figures was recorded for a company (its totalSpend follows). Carries no figures.');

const contactLeadLinkedData = z
  .object({
    contactId: uuid().describe('The contact (= the Kafka key).'),
    organizationId: uuid(),
    conversationId: uuid().describe('The conversations conversation whose participant the contact is.'),
    platform: z.enum(CONVERSATION_PLATFORMS).describe('The customer channel.'),
    outcome: z.enum(['created', 'matched']).describe('Whether crm created the contact (a Lead) or found it.'),
    matchedBy: z
      .enum(LEAD_MATCHES)
      .nullable()
      .describe('How an existing contact was found (null when created).'),
    relationshipState: z.enum(RELATIONSHIP_STATES).describe('The contact’s state (Lead when created).'),
    linkedAt: timestamp(),
  })
  .describe(
    'crm linked a conversation’s participant to a contact: created as a Lead, or matched. Ids and enums ' +
      'only: what external CRM connectors follow to sync leads.',
  );

export const crmEvents = {
  'crm.contact.created.v1': entry(
    'crm.contact.created.v1',
    'crm.contact',
    'A contact was created. PII-free: names, emails and phones stay in crm. Published by crm.',
    contactCreatedData,
  ),
  'crm.contact.lead_linked.v1': entry(
    'crm.contact.lead_linked.v1',
    'crm.contact',
    'A conversation’s participant was linked to a contact, created as a Lead or matched (email, phone, channel identity). PII-free. Published by crm; conversations sets the conversation’s contact.',
    contactLeadLinkedData,
  ),
  'crm.contact.updated.v1': entry(
    'crm.contact.updated.v1',
    'crm.contact',
    'A contact changed; names the changed fields, never personal values. Published by crm.',
    contactUpdatedData,
  ),
  'crm.contact.deleted.v1': entry(
    'crm.contact.deleted.v1',
    'crm.contact',
    'A contact was soft-deleted. Published by crm.',
    contactDeletedData,
  ),
  'crm.contact.merged.v1': entry(
    'crm.contact.merged.v1',
    'crm.contact',
    'A duplicate contact was merged into another (which is kept). No PII. Published by crm.',
    contactMergedData,
  ),
  'crm.contact.restored.v1': entry(
    'crm.contact.restored.v1',
    'crm.contact',
    'A soft-deleted contact was restored. Published by crm.',
    contactRestoredData,
  ),
  'crm.contact.consent_changed.v1': entry(
    'crm.contact.consent_changed.v1',
    'crm.contact',
    'A contact’s consent for a purpose changed (from, to, how). No PII. Published by crm.',
    consentChangedData,
  ),
  'crm.contact.unsubscribed.v1': entry(
    'crm.contact.unsubscribed.v1',
    'crm.contact',
    'A contact can no longer receive marketing on some channels, or is unsubscribed. Published by crm.',
    contactUnsubscribedData,
  ),
  'crm.contact.resubscribed.v1': entry(
    'crm.contact.resubscribed.v1',
    'crm.contact',
    'A contact can receive marketing on channels where it could not. Published by crm.',
    contactResubscribedData,
  ),
  'crm.contact.preferences_changed.v1': entry(
    'crm.contact.preferences_changed.v1',
    'crm.contact',
    'A contact’s communication preferences changed; names the fields only. Published by crm.',
    contactPreferencesChangedData,
  ),
  'crm.ticket.opened.v1': entry(
    'crm.ticket.opened.v1',
    'crm.ticket',
    'A ticket was opened. No title, description or note text. Published by crm.',
    ticketOpenedData,
  ),
  'crm.ticket.updated.v1': entry(
    'crm.ticket.updated.v1',
    'crm.ticket',
    'A ticket changed; names the changed fields, never their text. Published by crm.',
    ticketUpdatedData,
  ),
  'crm.ticket.status_changed.v1': entry(
    'crm.ticket.status_changed.v1',
    'crm.ticket',
    'A ticket moved from one status to another. Published by crm.',
    ticketStatusChangedData,
  ),
  'crm.ticket.note_added.v1': entry(
    'crm.ticket.note_added.v1',
    'crm.ticket',
    'A note was added to a ticket, internal or client-facing; no note text. Published by crm.',
    ticketNoteAddedData,
  ),
  'crm.task.created.v1': entry(
    'crm.task.created.v1',
    'crm.task',
    'A task was created. No title, description or stage text. Published by crm.',
    taskCreatedData,
  ),
  'crm.task.updated.v1': entry(
    'crm.task.updated.v1',
    'crm.task',
    'A task changed or moved; names the changed fields, never their text. Published by crm.',
    taskUpdatedData,
  ),
  'crm.task.completed.v1': entry(
    'crm.task.completed.v1',
    'crm.task',
    'A task was completed. Published by crm.',
    taskCompletedData,
  ),
  'crm.task.reopened.v1': entry(
    'crm.task.reopened.v1',
    'crm.task',
    'A completed task was reopened. Published by crm.',
    taskReopenedData,
  ),
  'crm.task.deleted.v1': entry(
    'crm.task.deleted.v1',
    'crm.task',
    'A task was deleted. Published by crm.',
    taskDeletedData,
  ),
  'crm.custom_field.created.v1': entry(
    'crm.custom_field.created.v1',
    'crm.custom_field',
    'A custom field was defined. No label, description, options or default. Published by crm.',
    customFieldCreatedData,
  ),
  'crm.custom_field.updated.v1': entry(
    'crm.custom_field.updated.v1',
    'crm.custom_field',
    'A custom field definition changed; names the changed parts. Published by crm.',
    customFieldUpdatedData,
  ),
  'crm.custom_field.archived.v1': entry(
    'crm.custom_field.archived.v1',
    'crm.custom_field',
    'A custom field was archived (its values are kept). Published by crm.',
    customFieldArchivedData,
  ),
  'crm.custom_field.restored.v1': entry(
    'crm.custom_field.restored.v1',
    'crm.custom_field',
    'An archived custom field was restored. Published by crm.',
    customFieldRestoredData,
  ),
  'crm.interaction.created.v1': entry(
    'crm.interaction.created.v1',
    'crm.interaction',
    'An interaction was recorded on a contact’s timeline. No subject, content or other free text. Published by crm.',
    interactionCreatedData,
  ),
  'crm.interaction.updated.v1': entry(
    'crm.interaction.updated.v1',
    'crm.interaction',
    'An interaction changed; names the changed fields, never their values. Published by crm.',
    interactionUpdatedData,
  ),
  'crm.interaction.deleted.v1': entry(
    'crm.interaction.deleted.v1',
    'crm.interaction',
    'An interaction was soft-deleted. Published by crm.',
    interactionDeletedData,
  ),
  'crm.interaction.restored.v1': entry(
    'crm.interaction.restored.v1',
    'crm.interaction',
    'A soft-deleted interaction was restored. Published by crm.',
    interactionRestoredData,
  ),
  'crm.pipeline.created.v1': entry(
    'crm.pipeline.created.v1',
    'crm.pipeline',
    'A pipeline was created. No pipeline or stage names. Published by crm.',
    pipelineCreatedData,
  ),
  'crm.pipeline.updated.v1': entry(
    'crm.pipeline.updated.v1',
    'crm.pipeline',
    'A pipeline changed; names the changed fields and lists its stages by id. Published by crm.',
    pipelineUpdatedData,
  ),
  'crm.pipeline.deleted.v1': entry(
    'crm.pipeline.deleted.v1',
    'crm.pipeline',
    'A pipeline was soft-deleted. Published by crm.',
    pipelineDeletedData,
  ),
  'crm.deal.created.v1': entry(
    'crm.deal.created.v1',
    'crm.deal',
    'A deal was created. No name, description, amount or custom values. Published by crm.',
    dealCreatedData,
  ),
  'crm.deal.updated.v1': entry(
    'crm.deal.updated.v1',
    'crm.deal',
    'A deal changed; names the changed fields, never their values. Published by crm.',
    dealUpdatedData,
  ),
  'crm.deal.stage_moved.v1': entry(
    'crm.deal.stage_moved.v1',
    'crm.deal',
    'A deal moved to another stage. Published by crm.',
    dealStageMovedData,
  ),
  'crm.deal.won.v1': entry(
    'crm.deal.won.v1',
    'crm.deal',
    'A deal was won (it entered a won stage). Published by crm.',
    dealClosedData.describe('A deal entered the won stage of its pipeline.'),
  ),
  'crm.deal.lost.v1': entry(
    'crm.deal.lost.v1',
    'crm.deal',
    'A deal was lost (it entered a lost stage). No lost reason text. Published by crm.',
    dealClosedData.describe('A deal entered the lost stage of its pipeline (the reason stays in crm).'),
  ),
  'crm.deal.deleted.v1': entry(
    'crm.deal.deleted.v1',
    'crm.deal',
    'A deal was soft-deleted. Published by crm.',
    dealDeletedData,
  ),
  'crm.deal.restored.v1': entry(
    'crm.deal.restored.v1',
    'crm.deal',
    'A soft-deleted deal was restored. Published by crm.',
    dealRestoredData,
  ),
  'crm.company.created.v1': entry(
    'crm.company.created.v1',
    'crm.company',
    'A company (client account) was created. No name, domain or other free text. Published by crm.',
    companyCreatedData,
  ),
  'crm.company.updated.v1': entry(
    'crm.company.updated.v1',
    'crm.company',
    'A company changed; names the changed fields, never their values. Published by crm.',
    companyUpdatedData,
  ),
  'crm.company.deleted.v1': entry(
    'crm.company.deleted.v1',
    'crm.company',
    'A company was soft-deleted. Published by crm.',
    companyDeletedData,
  ),
  'crm.company.restored.v1': entry(
    'crm.company.restored.v1',
    'crm.company',
    'A soft-deleted company was restored. Published by crm.',
    companyRestoredData,
  ),
  'crm.company.stage_moved.v1': entry(
    'crm.company.stage_moved.v1',
    'crm.company',
    'A company moved to another pipeline stage; no notes. Published by crm.',
    companyStageMovedData,
  ),
  'crm.company.assignment_added.v1': entry(
    'crm.company.assignment_added.v1',
    'crm.company',
    'A user was assigned to a company (owner or collaborator). Published by crm.',
    companyAssignmentAddedData,
  ),
  'crm.company.assignment_removed.v1': entry(
    'crm.company.assignment_removed.v1',
    'crm.company',
    'A user’s assignment to a company was removed. Published by crm.',
    companyAssignmentRemovedData,
  ),
  'crm.company.ad_performance_recorded.v1': entry(
    'crm.company.ad_performance_recorded.v1',
    'crm.company',
    'A day of a company’s ad figures was recorded or corrected; no figures. Published by crm.',
    companyAdPerformanceRecordedData,
  ),
  'crm.audit.recorded.v1': auditEntry('crm'),
} as const;
