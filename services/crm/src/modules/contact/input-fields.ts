import { z } from 'zod';
import {
  CONTACT_STATUSES,
  LEAD_STATUSES,
  LIFECYCLE_STAGES,
  ORGANIZATION_ROLES,
  RELATIONSHIP_STATES,
} from '@platform/events/catalog';
import type { ContactPatch } from './domain/contact';
import {
  ADDRESS_TYPES,
  EMAIL_TYPES,
  LEAD_SCORES,
  PHONE_TYPES,
  PRIVACY_LEVELS,
} from './domain/contact-details';

const jsonObject = z.record(z.string(), z.unknown()).nullish();

/** What the SDL cannot say about contact inputs: ownerId is a UUID, custom field values a flat object. */
const optionalFields = {
  familyName: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  relationshipState: z.enum(RELATIONSHIP_STATES).nullish(),
  lifecycleStage: z.enum(LIFECYCLE_STAGES).nullish(),
  leadStatus: z.enum(LEAD_STATUSES).nullish(),
  status: z.enum(CONTACT_STATUSES).nullish(),
  organizationRole: z.enum(ORGANIZATION_ROLES).nullish(),
  locale: z.string().nullish(),
  timezone: z.string().nullish(),
  nextFollowUpAt: z.date().nullish(),
  tags: z.array(z.string()).nullish(),
  ownerId: z.uuid().nullish(),
  customFields: z.record(z.string(), z.unknown()).nullish(),
  middleName: z.string().nullish(),
  prefix: z.string().nullish(),
  suffix: z.string().nullish(),
  emails: z
    .array(
      z.object({
        address: z.string(),
        type: z.enum(EMAIL_TYPES).nullish(),
        isPrimary: z.boolean().nullish(),
        verified: z.boolean().nullish(),
      }),
    )
    .nullish(),
  phones: z
    .array(
      z.object({
        number: z.string(),
        type: z.enum(PHONE_TYPES).nullish(),
        isPrimary: z.boolean().nullish(),
        verified: z.boolean().nullish(),
      }),
    )
    .nullish(),
  addresses: z
    .array(
      z.object({
        type: z.enum(ADDRESS_TYPES).nullish(),
        street: z.string().nullish(),
        city: z.string().nullish(),
        region: z.string().nullish(),
        postalCode: z.string().nullish(),
        country: z.string().nullish(),
        isPrimary: z.boolean().nullish(),
      }),
    )
    .nullish(),
  dateOfBirth: z.date().nullish(),
  gender: z.string().nullish(),
  avatarUrl: z.string().nullish(),
  bio: z.string().nullish(),
  source: z.string().nullish(),
  sourceDetails: jsonObject,
  privacyLevel: z.enum(PRIVACY_LEVELS).nullish(),
  metadata: jsonObject,
  externalIds: jsonObject,
  assignedUserId: z.uuid().nullish(),
  companyId: z.uuid().nullish(),
  leadScore: z.enum(LEAD_SCORES).nullish(),
  leadScoreValue: z.number().int().nullish(),
};

export const CreateContactInput = z.object({ givenName: z.string(), ...optionalFields });
export const ImportContactsInput = z.object({ contacts: z.array(CreateContactInput) });
export const UpdateContactInput = z.object({ givenName: z.string().nullish(), ...optionalFields });

/** How update inputs read: a field absent stays, a null clears an optional one. */

/** Present in the input, null included. */
export function given<T>(value: T | undefined): value is T {
  return value !== undefined;
}

/** Present and not null (a required field cannot be cleared: null leaves it as it is). */
export function set<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}

/**
 * An update input as a patch: the fields given; null clears an optional field and leaves a required
 * one (givenName, relationshipState, status, privacyLevel) as it is.
 */
export function contactPatchOf(input: z.infer<typeof UpdateContactInput>): ContactPatch {
  const { givenName, relationshipState, status, privacyLevel, ...optional } = input;
  return {
    ...optional,
    ...(set(givenName) ? { givenName } : {}),
    ...(set(relationshipState) ? { relationshipState } : {}),
    ...(set(status) ? { status } : {}),
    ...(set(privacyLevel) ? { privacyLevel } : {}),
  };
}
