/** Contact rules (EMMA's contact-centric core). No Prisma or GraphQL types here. */
import { DomainError } from '@platform/service-kit';

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

export type NewContact = Omit<Contact, 'createdAt' | 'updatedAt' | 'deletedAt'>;

export const MAX_TAGS = 50;
export const MAX_TAG_LENGTH = 64;
const E164 = /^\+[1-9]\d{1,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function optional(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/**
 * Checks and normalises a new contact: names trimmed, email lower-cased, phone in E.164, tags
 * trimmed and de-duplicated. Every problem is reported at once, by field.
 */
export function newContact(
  id: string,
  organizationId: string,
  input: NewContactInput,
  defaultOwnerId: string | null,
): NewContact {
  const issues: Array<{ path: string; message: string; code: string }> = [];
  const givenName = input.givenName.trim();
  if (givenName.length < 1 || givenName.length > 255) {
    issues.push({ path: 'givenName', message: 'must be 1–255 characters', code: 'invalid' });
  }
  const familyName = optional(input.familyName);
  if (familyName && familyName.length > 255) {
    issues.push({ path: 'familyName', message: 'must be at most 255 characters', code: 'invalid' });
  }
  const email = optional(input.email)?.toLowerCase() ?? null;
  if (email && (email.length > 255 || !EMAIL.test(email))) {
    issues.push({ path: 'email', message: 'must be a valid email address', code: 'invalid' });
  }
  const phone = optional(input.phone)?.replace(/[\s().-]/g, '') ?? null;
  if (phone && !E164.test(phone)) {
    issues.push({ path: 'phone', message: 'must be in E.164 format, e.g. +15551234567', code: 'invalid' });
  }
  const tags = [...new Set((input.tags ?? []).map((tag) => tag.trim()))];
  if (tags.length > MAX_TAGS) {
    issues.push({ path: 'tags', message: `at most ${MAX_TAGS} tags`, code: 'invalid' });
  }
  tags.forEach((tag, index) => {
    if (tag.length < 1 || tag.length > MAX_TAG_LENGTH) {
      issues.push({
        path: `tags.${index}`,
        message: `must be 1–${MAX_TAG_LENGTH} characters`,
        code: 'invalid',
      });
    }
  });
  if (issues.length > 0) {
    throw new DomainError(
      'BAD_USER_INPUT',
      issues.map((issue) => `${issue.path} ${issue.message}`).join('; '),
      {
        issues,
      },
    );
  }
  return {
    id,
    organizationId,
    ownerId: input.ownerId ?? defaultOwnerId,
    givenName,
    familyName,
    email,
    phone,
    relationshipState: input.relationshipState ?? 'Lead',
    tags,
    customFields: input.customFields ?? {},
  };
}

export function displayName(contact: Pick<Contact, 'givenName' | 'familyName'>): string {
  return contact.familyName ? `${contact.givenName} ${contact.familyName}` : contact.givenName;
}
