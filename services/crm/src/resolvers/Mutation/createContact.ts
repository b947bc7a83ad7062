import { parseInput } from '@platform/service-kit';
import { z } from 'zod';
import type { CrmContext } from '../../context';
import { RELATIONSHIP_STATES, type Contact } from '../../domain/contact';

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

export function createContact(
  _parent: unknown,
  args: { input: unknown },
  context: CrmContext,
): Promise<Contact> {
  return context.contacts.create(context.auth, parseInput(CreateContactInput, args.input));
}
