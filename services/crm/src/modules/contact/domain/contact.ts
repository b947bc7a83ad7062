/** Contact rules (EMMA's contact-centric core) and the events they imply. No Prisma or GraphQL here. */
import {
  CONTACT_STATUSES,
  CONTACT_UPDATABLE_FIELDS,
  createEvent,
  LEAD_STATUSES,
  LIFECYCLE_STAGES,
  ORGANIZATION_ROLES,
  RELATIONSHIP_STATES,
  type CatalogEvent,
  type CloudEvent,
  type EventData,
} from '@platform/events/catalog';
import { conflict, enumObject, InputIssues } from '@platform/domain';
import {
  checkAddresses,
  checkDateOfBirth,
  checkEmails,
  checkExternalIds,
  checkJsonObject,
  checkPhones,
  checkUrl,
  normalizeEmail,
  normalizePhone,
  primaryOf,
  PrivacyLevel,
  text,
  withPrimaryEmail,
  withPrimaryPhone,
  type AddressInput,
  type ContactAddress,
  type ContactEmail,
  type ContactPhone,
  type EmailInput,
  type LeadScore,
  type LeadTemperature,
  type PhoneInput,
} from './contact-details';

export { normalizeEmail, normalizePhone } from './contact-details';

/** Where a contact stands with the organization. A captured lead is a Contact in the Lead state. */
export const RelationshipState = enumObject(RELATIONSHIP_STATES);
export type RelationshipState = (typeof RELATIONSHIP_STATES)[number];
export const LifecycleStage = enumObject(LIFECYCLE_STAGES);
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];
export const LeadStatus = enumObject(LEAD_STATUSES);
export type LeadStatus = (typeof LEAD_STATUSES)[number];
export const ContactStatus = enumObject(CONTACT_STATUSES);
export type ContactStatus = (typeof CONTACT_STATUSES)[number];
export const OrganizationRole = enumObject(ORGANIZATION_ROLES);
export type OrganizationRole = (typeof ORGANIZATION_ROLES)[number];

export type CustomFieldValues = Record<string, unknown>;

export interface Contact {
  id: string;
  organizationId: string;
  ownerId: string | null;
  givenName: string;
  familyName: string | null;
  middleName: string | null;
  /** Mr., Dr. … */
  prefix: string | null;
  /** Jr., III … */
  suffix: string | null;
  /** The primary email's address (derived from `emails`). */
  email: string | null;
  /** The primary phone's number (derived from `phones`). */
  phone: string | null;
  emails: ContactEmail[];
  phones: ContactPhone[];
  addresses: ContactAddress[];
  /** YYYY-MM-DD. */
  dateOfBirth: string | null;
  gender: string | null;
  avatarUrl: string | null;
  bio: string | null;
  /** Lead source (Website Form, Referral, import, api …). */
  source: string | null;
  sourceDetails: Record<string, unknown>;
  /** Deprecated for decisions (UNIFICATION.md): kept, never used to allow or deny. */
  privacyLevel: PrivacyLevel;
  metadata: Record<string, unknown>;
  /** System name → the contact's id there. */
  externalIds: Record<string, string>;
  /** The agent working the contact now, beside its owner. */
  assignedUserId: string | null;
  /** The company (client account) the contact belongs to. */
  companyId: string | null;
  leadScore: LeadScore | null;
  /** 0–100. */
  leadScoreValue: number | null;
  /**
   * Spec 001's hot/warm/cold, as conversations' AI pipeline scored the contact's conversation, with its
   * signal codes and when (set by the leads consumer only: UNIFICATION.md's LeadScore `temperature`).
   */
  leadTemperature: LeadTemperature | null;
  leadSignals: string[];
  leadScoredAt: Date | null;
  relationshipState: RelationshipState;
  lifecycleStage: LifecycleStage | null;
  leadStatus: LeadStatus | null;
  status: ContactStatus;
  organizationRole: OrganizationRole | null;
  /** BCP 47, canonical (en-CA). */
  locale: string | null;
  /** IANA (America/Toronto). */
  timezone: string | null;
  nextFollowUpAt: Date | null;
  lastInteractionAt: Date | null;
  tags: string[];
  customFields: CustomFieldValues;
  /** Optimistic concurrency: 1 when created, +1 per update. */
  version: number;
  createdById: string | null;
  updatedById: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** What a caller may set on a contact (create: all; update: any of them). */
export interface ContactFields {
  givenName: string;
  familyName?: string | null;
  middleName?: string | null;
  prefix?: string | null;
  suffix?: string | null;
  /** Sets the primary email (the other entries stay); not together with `emails`. */
  email?: string | null;
  /** Sets the primary phone (the other entries stay); not together with `phones`. */
  phone?: string | null;
  /** Replaces the list. */
  emails?: readonly EmailInput[] | null;
  phones?: readonly PhoneInput[] | null;
  addresses?: readonly AddressInput[] | null;
  dateOfBirth?: Date | null;
  gender?: string | null;
  avatarUrl?: string | null;
  bio?: string | null;
  source?: string | null;
  sourceDetails?: Record<string, unknown> | null;
  privacyLevel?: PrivacyLevel | null;
  metadata?: Record<string, unknown> | null;
  externalIds?: Record<string, unknown> | null;
  assignedUserId?: string | null;
  companyId?: string | null;
  leadScore?: LeadScore | null;
  leadScoreValue?: number | null;
  relationshipState?: RelationshipState | null;
  lifecycleStage?: LifecycleStage | null;
  leadStatus?: LeadStatus | null;
  status?: ContactStatus | null;
  organizationRole?: OrganizationRole | null;
  locale?: string | null;
  timezone?: string | null;
  nextFollowUpAt?: Date | null;
  tags?: readonly string[] | null;
  ownerId?: string | null;
  customFields?: CustomFieldValues | null;
}

export type NewContactInput = ContactFields;
export type ContactPatch = Partial<ContactFields>;

export const EVENT_SOURCE = '/services/crm';

export type ContactCreated = CloudEvent<'crm.contact.created.v1', EventData<'crm.contact.created.v1'>>;
export type ContactEvent = CatalogEvent<
  | 'crm.contact.created.v1'
  | 'crm.contact.updated.v1'
  | 'crm.contact.deleted.v1'
  | 'crm.contact.restored.v1'
  | 'crm.contact.merged.v1'
>;

export const MAX_TAGS = 50;
export const MAX_TAG_LENGTH = 64;

function optional(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** A BCP 47 tag in its canonical form (en-ca → en-CA); null when it is not one. */
export function canonicalLocale(value: string): string | null {
  try {
    const [canonical] = Intl.getCanonicalLocales(value.trim());
    return canonical ?? null;
  } catch {
    return null;
  }
}

/** An IANA time zone as the runtime's database names it; null when there is no such zone. */
export function canonicalTimezone(value: string): string | null {
  const zone = value.trim();
  if (!zone) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

type Settable = Omit<
  Contact,
  | 'id'
  | 'organizationId'
  | 'version'
  | 'createdById'
  | 'updatedById'
  | 'createdAt'
  | 'updatedAt'
  | 'deletedAt'
  | 'lastInteractionAt'
  | 'leadTemperature'
  | 'leadSignals'
  | 'leadScoredAt'
>;

/**
 * The fields of `input` that are present, checked and normalised: names trimmed, emails lower-cased,
 * phones in E.164, locale and time zone canonical, tags trimmed and de-duplicated, one primary per
 * list. `current` is the contact being changed (null when creating): setting the single `email` or
 * `phone` changes its list's primary entry. Every problem is reported at once, by field.
 */
function checkedFields(input: ContactPatch, current: Contact | null, now: Date): Partial<Settable> {
  const issues = new InputIssues();
  const fields: Partial<Settable> = {};
  if (input.middleName !== undefined) fields.middleName = text(issues, 'middleName', input.middleName, 255);
  if (input.prefix !== undefined) fields.prefix = text(issues, 'prefix', input.prefix, 20);
  if (input.suffix !== undefined) fields.suffix = text(issues, 'suffix', input.suffix, 20);
  if (input.emails !== undefined && input.email !== undefined) {
    issues.add('email', 'give email or emails, not both');
  }
  if (input.phones !== undefined && input.phone !== undefined) {
    issues.add('phone', 'give phone or phones, not both');
  }
  if (input.emails !== undefined) {
    fields.emails = checkEmails(issues, input.emails ?? []);
    fields.email = primaryOf(fields.emails)?.address ?? null;
  }
  if (input.phones !== undefined) {
    fields.phones = checkPhones(issues, input.phones ?? []);
    fields.phone = primaryOf(fields.phones)?.number ?? null;
  }
  if (input.addresses !== undefined) fields.addresses = checkAddresses(issues, input.addresses ?? []);
  if (input.dateOfBirth !== undefined) {
    fields.dateOfBirth = checkDateOfBirth(issues, input.dateOfBirth, now);
  }
  if (input.gender !== undefined) fields.gender = text(issues, 'gender', input.gender, 50);
  if (input.avatarUrl !== undefined) fields.avatarUrl = checkUrl(issues, 'avatarUrl', input.avatarUrl);
  if (input.bio !== undefined) fields.bio = text(issues, 'bio', input.bio, 2000);
  if (input.source !== undefined) fields.source = text(issues, 'source', input.source, 100);
  if (input.sourceDetails !== undefined) {
    fields.sourceDetails = checkJsonObject(issues, 'sourceDetails', input.sourceDetails);
  }
  if (input.metadata !== undefined) fields.metadata = checkJsonObject(issues, 'metadata', input.metadata);
  if (input.externalIds !== undefined) fields.externalIds = checkExternalIds(issues, input.externalIds);
  if (input.privacyLevel) fields.privacyLevel = input.privacyLevel;
  if (input.assignedUserId !== undefined) fields.assignedUserId = input.assignedUserId;
  if (input.companyId !== undefined) fields.companyId = input.companyId;
  if (input.leadScore !== undefined) fields.leadScore = input.leadScore;
  if (input.leadScoreValue !== undefined) {
    const value = input.leadScoreValue;
    if (value !== null && (!Number.isInteger(value) || value < 0 || value > 100)) {
      issues.add('leadScoreValue', 'must be a whole number 0–100');
    }
    fields.leadScoreValue = value;
  }
  if (input.givenName !== undefined) {
    const givenName = input.givenName.trim();
    if (givenName.length < 1 || givenName.length > 255) issues.add('givenName', 'must be 1–255 characters');
    fields.givenName = givenName;
  }
  if (input.familyName !== undefined) {
    const familyName = optional(input.familyName);
    if (familyName && familyName.length > 255) issues.add('familyName', 'must be at most 255 characters');
    fields.familyName = familyName;
  }
  if (input.email !== undefined && input.emails === undefined) {
    const emailInput = optional(input.email);
    const email = emailInput === null ? null : normalizeEmail(emailInput);
    if (emailInput !== null && email === null) issues.add('email', 'must be a valid email address');
    fields.emails = withPrimaryEmail(current?.emails ?? [], email);
    // Cleared: the next address, if any, became primary.
    fields.email = primaryOf(fields.emails)?.address ?? null;
  }
  if (input.phone !== undefined && input.phones === undefined) {
    const phoneInput = optional(input.phone);
    const phone = phoneInput === null ? null : normalizePhone(phoneInput);
    if (phoneInput !== null && phone === null)
      issues.add('phone', 'must be in E.164 format, e.g. +15551234567');
    fields.phones = withPrimaryPhone(current?.phones ?? [], phone);
    fields.phone = primaryOf(fields.phones)?.number ?? null;
  }
  if (input.locale !== undefined) {
    const localeInput = optional(input.locale);
    const locale = localeInput === null ? null : canonicalLocale(localeInput);
    if (localeInput !== null && (locale === null || locale.length > 35)) {
      issues.add('locale', 'must be a BCP 47 language tag, e.g. en-CA');
    }
    fields.locale = locale;
  }
  if (input.timezone !== undefined) {
    const timezoneInput = optional(input.timezone);
    const timezone = timezoneInput === null ? null : canonicalTimezone(timezoneInput);
    if (timezoneInput !== null && timezone === null) {
      issues.add('timezone', 'must be an IANA time zone, e.g. America/Toronto');
    }
    fields.timezone = timezone;
  }
  if (input.tags !== undefined) {
    const tags = [...new Set((input.tags ?? []).map((tag) => tag.trim()))];
    if (tags.length > MAX_TAGS) issues.add('tags', `at most ${MAX_TAGS} tags`);
    tags.forEach((tag, index) => {
      if (tag.length < 1 || tag.length > MAX_TAG_LENGTH) {
        issues.add(`tags.${index}`, `must be 1–${MAX_TAG_LENGTH} characters`);
      }
    });
    fields.tags = tags;
  }
  if (input.nextFollowUpAt !== undefined) {
    const year = input.nextFollowUpAt?.getUTCFullYear();
    // Years PostgreSQL and every client can hold.
    if (year !== undefined && (year < 1 || year > 9999))
      issues.add('nextFollowUpAt', 'must be in the years 1–9999');
    fields.nextFollowUpAt = input.nextFollowUpAt;
  }
  if (input.relationshipState) fields.relationshipState = input.relationshipState;
  if (input.status) fields.status = input.status;
  if (input.lifecycleStage !== undefined) fields.lifecycleStage = input.lifecycleStage;
  if (input.leadStatus !== undefined) fields.leadStatus = input.leadStatus;
  if (input.organizationRole !== undefined) fields.organizationRole = input.organizationRole;
  if (input.ownerId !== undefined) fields.ownerId = input.ownerId;
  if (input.customFields !== undefined) fields.customFields = input.customFields ?? {};
  issues.throwIfAny();
  return fields;
}

/** A new contact and the event it implies. Every problem is reported at once, by field. */
export function createContact(
  ids: { id: string; organizationId: string; defaultOwnerId: string | null; createdById?: string | null },
  input: NewContactInput,
  now: Date,
): { contact: Contact; events: [ContactCreated] } {
  const fields = checkedFields(input, null, now);
  const contact: Contact = {
    id: ids.id,
    organizationId: ids.organizationId,
    ownerId: input.ownerId ?? ids.defaultOwnerId,
    givenName: fields.givenName ?? '',
    familyName: fields.familyName ?? null,
    middleName: fields.middleName ?? null,
    prefix: fields.prefix ?? null,
    suffix: fields.suffix ?? null,
    email: fields.email ?? null,
    phone: fields.phone ?? null,
    emails: fields.emails ?? [],
    phones: fields.phones ?? [],
    addresses: fields.addresses ?? [],
    dateOfBirth: fields.dateOfBirth ?? null,
    gender: fields.gender ?? null,
    avatarUrl: fields.avatarUrl ?? null,
    bio: fields.bio ?? null,
    source: fields.source ?? null,
    sourceDetails: fields.sourceDetails ?? {},
    privacyLevel: fields.privacyLevel ?? PrivacyLevel.Internal,
    metadata: fields.metadata ?? {},
    externalIds: fields.externalIds ?? {},
    assignedUserId: fields.assignedUserId ?? null,
    companyId: fields.companyId ?? null,
    leadScore: fields.leadScore ?? null,
    leadScoreValue: fields.leadScoreValue ?? null,
    relationshipState: fields.relationshipState ?? RelationshipState.Lead,
    lifecycleStage: fields.lifecycleStage ?? null,
    leadStatus: fields.leadStatus ?? null,
    status: fields.status ?? ContactStatus.active,
    organizationRole: fields.organizationRole ?? null,
    locale: fields.locale ?? null,
    timezone: fields.timezone ?? null,
    nextFollowUpAt: fields.nextFollowUpAt ?? null,
    lastInteractionAt: null,
    leadTemperature: null,
    leadSignals: [],
    leadScoredAt: null,
    tags: fields.tags ?? [],
    customFields: fields.customFields ?? {},
    version: 1,
    createdById: ids.createdById ?? null,
    updatedById: ids.createdById ?? null,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  return { contact, events: [contactCreated(contact)] };
}

const same = (a: unknown, b: unknown): boolean =>
  a instanceof Date && b instanceof Date
    ? a.getTime() === b.getTime()
    : JSON.stringify(a) === JSON.stringify(b);

/**
 * A change to a contact read at `expectedVersion`: CONFLICT when it has changed since (someone else
 * saved first), BAD_USER_INPUT for invalid fields. A change that changes nothing answers the contact as
 * it is, with no event.
 */
export function updateContact(
  contact: Contact,
  patch: ContactPatch,
  expectedVersion: number,
  updatedById: string | null,
  now: Date,
): { contact: Contact; events: ContactEvent[]; changedFields: string[] } {
  if (contact.version !== expectedVersion) {
    throw conflict('The contact changed since it was read; read it again and reapply the change', {
      expectedVersion,
      currentVersion: contact.version,
    });
  }
  const fields = checkedFields(patch, contact, now);
  const changedFields = (Object.keys(fields) as Array<keyof Settable>).filter(
    (field) => !same(fields[field], contact[field]),
  );
  if (changedFields.length === 0) return { contact, events: [], changedFields };
  const updated: Contact = {
    ...contact,
    ...fields,
    version: contact.version + 1,
    updatedById,
    updatedAt: now,
  };
  return {
    contact: updated,
    changedFields,
    events: [
      createEvent('crm.contact.updated.v1', {
        source: EVENT_SOURCE,
        subject: updated.id,
        tenantId: updated.organizationId,
        time: now,
        data: {
          contactId: updated.id,
          organizationId: updated.organizationId,
          changedFields,
          version: updated.version,
          relationshipState: updated.relationshipState,
          lifecycleStage: updated.lifecycleStage,
          leadStatus: updated.leadStatus,
          status: updated.status,
          ownerId: updated.ownerId,
          companyId: updated.companyId,
          updatedById,
          updatedAt: now.toISOString(),
        },
      }),
    ],
  };
}

/** A contact deleted (`deletedAt` set) or restored (null): a change like any other, by someone. */
function withDeletion(contact: Contact, deletedAt: Date | null, by: string | null, now: Date): Contact {
  return { ...contact, deletedAt, version: contact.version + 1, updatedById: by, updatedAt: now };
}

const eventEnvelope = (contact: Contact, now: Date) => ({
  source: EVENT_SOURCE,
  subject: contact.id,
  tenantId: contact.organizationId,
  time: now,
});

/** Soft delete: the row stays (restorable, audited); its email and phone are free again. */
export function deleteContact(
  contact: Contact,
  deletedById: string | null,
  now: Date,
): { contact: Contact; events: ContactEvent[] } {
  if (contact.deletedAt) throw conflict('The contact is already deleted');
  const data = { contactId: contact.id, organizationId: contact.organizationId };
  return {
    contact: withDeletion(contact, now, deletedById, now),
    events: [
      createEvent('crm.contact.deleted.v1', {
        ...eventEnvelope(contact, now),
        data: { ...data, deletedById, deletedAt: now.toISOString() },
      }),
    ],
  };
}

/** Brings a deleted contact back (CONFLICT when its email or phone belongs to another contact now). */
export function restoreContact(
  contact: Contact,
  restoredById: string | null,
  now: Date,
): { contact: Contact; events: ContactEvent[] } {
  if (!contact.deletedAt) throw conflict('The contact is not deleted');
  const data = { contactId: contact.id, organizationId: contact.organizationId };
  return {
    contact: withDeletion(contact, null, restoredById, now),
    events: [
      createEvent('crm.contact.restored.v1', {
        ...eventEnvelope(contact, now),
        data: { ...data, restoredById, restoredAt: now.toISOString() },
      }),
    ],
  };
}

/** crm.contact.created.v1: no PII (no names, emails or phones), by the catalog's design. */
function contactCreated(contact: Contact): ContactCreated {
  return createEvent('crm.contact.created.v1', {
    source: EVENT_SOURCE,
    subject: contact.id,
    tenantId: contact.organizationId,
    time: contact.createdAt,
    data: {
      contactId: contact.id,
      organizationId: contact.organizationId,
      ownerId: contact.ownerId,
      companyId: contact.companyId,
      relationshipState: contact.relationshipState,
      tags: contact.tags,
      createdAt: contact.createdAt.toISOString(),
    },
  });
}

/** Given, middle and family name joined (prefix and suffix are fields of their own). */
export function displayName(contact: Pick<Contact, 'givenName' | 'middleName' | 'familyName'>): string {
  return [contact.givenName, contact.middleName, contact.familyName].filter(Boolean).join(' ');
}

/** Spec 000's isActive: a contact that is worked (status active) and not deleted. */
export const isActive = (contact: Pick<Contact, 'status' | 'deletedAt'>): boolean =>
  contact.status === ContactStatus.active && contact.deletedAt === null;

/** Fields a merge fills on the kept contact when it has no value and the merged one has. */
const FILLABLE = [
  'familyName',
  'middleName',
  'prefix',
  'suffix',
  'dateOfBirth',
  'gender',
  'avatarUrl',
  'bio',
  'source',
  'ownerId',
  'assignedUserId',
  'companyId',
  'lifecycleStage',
  'leadStatus',
  'organizationRole',
  'locale',
  'timezone',
  'nextFollowUpAt',
  'leadScore',
  'leadScoreValue',
] as const satisfies ReadonlyArray<keyof Contact>;

const laterOf = (a: Date | null, b: Date | null): Date | null =>
  a === null ? b : b === null ? a : a.getTime() >= b.getTime() ? a : b;

/**
 * Merges the duplicate `merged` into `kept`: the kept contact keeps every value it has and takes the
 * merged one's where it has none; emails, phones and addresses are joined (the kept primary stays
 * primary, repeated entries once), tags joined, custom fields, external ids, source details and
 * metadata joined with the kept values winning; the later last interaction. The merged contact is
 * deleted (restorable). Nothing of either is lost: lists may pass the input limit of ten entries.
 * `eventsFor` builds the events once storage knows how many records moved.
 */
export function mergeContacts(
  kept: Contact,
  merged: Contact,
  mergedById: string | null,
  now: Date,
): {
  kept: Contact;
  merged: Contact;
  changedFields: string[];
  eventsFor: (movedRecords: Record<string, number>) => ContactEvent[];
} {
  if (kept.id === merged.id) {
    new InputIssues().add('mergedContactId', 'must be another contact than the one kept').throwIfAny();
  }
  const next: Contact = { ...kept };
  const changed = new Set<string>();
  for (const field of FILLABLE) {
    if (next[field] === null && merged[field] !== null) {
      Object.assign(next, { [field]: merged[field] });
      changed.add(field);
    }
  }
  const join = <T>(
    mine: readonly T[],
    theirs: readonly T[],
    key: (item: T) => string,
    field: string,
  ): T[] => {
    const seen = new Set(mine.map(key));
    const added = theirs.filter((item) => !seen.has(key(item)));
    if (added.length > 0) changed.add(field);
    return [...mine, ...added];
  };
  const secondary = <T extends { isPrimary: boolean }>(items: readonly T[], keptHasAny: boolean) =>
    items.map((item) => ({ ...item, isPrimary: item.isPrimary && !keptHasAny }));
  next.emails = join(
    kept.emails,
    secondary(merged.emails, kept.emails.length > 0),
    (e) => e.address,
    'emails',
  );
  next.phones = join(
    kept.phones,
    secondary(merged.phones, kept.phones.length > 0),
    (p) => p.number,
    'phones',
  );
  next.addresses = join(
    kept.addresses,
    secondary(merged.addresses, kept.addresses.length > 0),
    (a) => JSON.stringify({ ...a, isPrimary: false }),
    'addresses',
  );
  next.email = primaryOf(next.emails)?.address ?? null;
  next.phone = primaryOf(next.phones)?.number ?? null;
  if (next.email !== kept.email) changed.add('email');
  if (next.phone !== kept.phone) changed.add('phone');
  next.tags = join(kept.tags, merged.tags, (tag) => tag, 'tags');
  const objects = ['customFields', 'externalIds', 'sourceDetails', 'metadata'] as const;
  for (const field of objects) {
    const joined = { ...merged[field], ...kept[field] };
    if (Object.keys(joined).length > Object.keys(kept[field]).length) {
      Object.assign(next, { [field]: joined });
      changed.add(field);
    }
  }
  next.lastInteractionAt = laterOf(kept.lastInteractionAt, merged.lastInteractionAt);
  const keptVersion = { ...next, version: kept.version + 1, updatedById: mergedById, updatedAt: now };
  const changedFields = [...changed];
  const removed = withDeletion(merged, now, mergedById, now);
  return {
    kept: keptVersion,
    merged: removed,
    changedFields,
    eventsFor: (movedRecords) => {
      const envelope = eventEnvelope(kept, now);
      const events: ContactEvent[] = [
        createEvent('crm.contact.merged.v1', {
          ...envelope,
          data: {
            contactId: kept.id,
            mergedContactId: merged.id,
            organizationId: kept.organizationId,
            changedFields: changedFields.filter(isUpdatableField),
            movedRecords,
            mergedById,
            mergedAt: now.toISOString(),
          },
        }),
        createEvent('crm.contact.deleted.v1', {
          ...eventEnvelope(merged, now),
          data: {
            contactId: merged.id,
            organizationId: merged.organizationId,
            deletedById: mergedById,
            deletedAt: now.toISOString(),
          },
        }),
      ];
      return events;
    },
  };
}

const UPDATABLE: ReadonlySet<string> = new Set(CONTACT_UPDATABLE_FIELDS);
const isUpdatableField = (field: string): field is (typeof CONTACT_UPDATABLE_FIELDS)[number] =>
  UPDATABLE.has(field);
