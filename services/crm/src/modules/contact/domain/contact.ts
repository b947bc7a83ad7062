/** Contact rules (EMMA's contact-centric core) and the events they imply. No Prisma or GraphQL here. */
import { createEvent, RELATIONSHIP_STATES, type CloudEvent, type EventData } from '@platform/events/catalog';
import { enumObject, InputIssues } from '@platform/domain';

/** Where a contact stands with the organization. A captured lead is a Contact in the Lead state. */
export const RelationshipState = enumObject(RELATIONSHIP_STATES);
export type RelationshipState = (typeof RELATIONSHIP_STATES)[number];

export type CustomFieldValues = Record<string, unknown>;

export interface Contact {
  id: string;
  organizationId: string;
  ownerId: string | null;
  givenName: string;
  familyName: string | null;
  email: string | null;
  phone: string | null;
  relationshipState: RelationshipState;
  tags: string[];
  customFields: CustomFieldValues;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

export interface NewContactInput {
  givenName: string;
  familyName?: string | null;
  email?: string | null;
  phone?: string | null;
  relationshipState?: RelationshipState | null;
  tags?: readonly string[] | null;
  ownerId?: string | null;
  customFields?: CustomFieldValues | null;
}

export const EVENT_SOURCE = '/services/crm';

export type ContactCreated = CloudEvent<'crm.contact.created.v1', EventData<'crm.contact.created.v1'>>;

export const MAX_TAGS = 50;
export const MAX_TAG_LENGTH = 64;
const E164 = /^\+[1-9]\d{1,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function optional(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** An email as stored and looked up: trimmed and lower-cased; null when it is not a valid address. */
export function normalizeEmail(value: string): string | null {
  const email = value.trim().toLowerCase();
  return email.length > 0 && email.length <= 255 && EMAIL.test(email) ? email : null;
}

/** A phone as stored and looked up: E.164 without separators; null when it is not one. */
export function normalizePhone(value: string): string | null {
  const phone = value.trim().replace(/[\s().-]/g, '');
  return E164.test(phone) ? phone : null;
}

/**
 * A new contact and the event it implies: names trimmed, email lower-cased, phone in E.164, tags
 * trimmed and de-duplicated. Every problem is reported at once, by field.
 */
export function createContact(
  ids: { id: string; organizationId: string; defaultOwnerId: string | null },
  input: NewContactInput,
  now: Date,
): { contact: Contact; events: [ContactCreated] } {
  const issues = new InputIssues();
  const givenName = input.givenName.trim();
  if (givenName.length < 1 || givenName.length > 255) issues.add('givenName', 'must be 1–255 characters');
  const familyName = optional(input.familyName);
  if (familyName && familyName.length > 255) issues.add('familyName', 'must be at most 255 characters');
  const emailInput = optional(input.email);
  const email = emailInput === null ? null : normalizeEmail(emailInput);
  if (emailInput !== null && email === null) issues.add('email', 'must be a valid email address');
  const phoneInput = optional(input.phone);
  const phone = phoneInput === null ? null : normalizePhone(phoneInput);
  if (phoneInput !== null && phone === null)
    issues.add('phone', 'must be in E.164 format, e.g. +15551234567');
  const tags = [...new Set((input.tags ?? []).map((tag) => tag.trim()))];
  if (tags.length > MAX_TAGS) issues.add('tags', `at most ${MAX_TAGS} tags`);
  tags.forEach((tag, index) => {
    if (tag.length < 1 || tag.length > MAX_TAG_LENGTH) {
      issues.add(`tags.${index}`, `must be 1–${MAX_TAG_LENGTH} characters`);
    }
  });
  issues.throwIfAny();
  const contact: Contact = {
    id: ids.id,
    organizationId: ids.organizationId,
    ownerId: input.ownerId ?? ids.defaultOwnerId,
    givenName,
    familyName,
    email,
    phone,
    relationshipState: input.relationshipState ?? RelationshipState.Lead,
    tags,
    customFields: input.customFields ?? {},
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  return { contact, events: [contactCreated(contact)] };
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
      relationshipState: contact.relationshipState,
      tags: contact.tags,
      createdAt: contact.createdAt.toISOString(),
    },
  });
}

export function displayName(contact: Pick<Contact, 'givenName' | 'familyName'>): string {
  return contact.familyName ? `${contact.givenName} ${contact.familyName}` : contact.givenName;
}
