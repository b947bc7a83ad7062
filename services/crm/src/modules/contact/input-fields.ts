import { z } from 'zod';
import {
  CONTACT_STATUSES,
  LEAD_STATUSES,
  LIFECYCLE_STAGES,
  ORGANIZATION_ROLES,
  RELATIONSHIP_STATES,
} from '@platform/events/catalog';

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
};

export const CreateContactInput = z.object({ givenName: z.string(), ...optionalFields });
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
