import { z } from 'zod';
import { auditEntry } from './audit';
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

export const crmEvents = {
  'crm.contact.created.v1': entry(
    'crm.contact.created.v1',
    'crm.contact',
    'A contact was created. PII-free: names, emails and phones stay in crm. Published by crm.',
    contactCreatedData,
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
