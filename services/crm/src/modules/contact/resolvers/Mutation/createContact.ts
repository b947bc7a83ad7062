import { parseInput } from '@platform/service-kit';
import { z } from 'zod';
import type { MutationResolvers } from '../../../../generated/graphql';
import { RELATIONSHIP_STATES } from '@platform/events/catalog';

/** What the SDL cannot say: ownerId must be a UUID, custom field values a flat JSON object. */
const CreateContactInput = z.object({
  givenName: z.string(),
  familyName: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  relationshipState: z.enum(RELATIONSHIP_STATES).nullish(),
  tags: z.array(z.string()).nullish(),
  ownerId: z.uuid().nullish(),
  customFields: z.record(z.string(), z.unknown()).nullish(),
});

export const createContact: NonNullable<MutationResolvers['createContact']> = (_parent, { input }, context) =>
  context.contacts.create(context.auth, parseInput(CreateContactInput, input));
