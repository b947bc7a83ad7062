import { parseInput } from '@platform/service-kit';
import type { MutationResolvers } from '../../../../generated/graphql';
import { ImportContactsInput } from '../../input-fields';

export const importContacts: NonNullable<MutationResolvers['importContacts']> = (
  _parent,
  { contacts },
  context,
) => context.contacts.import(context.auth, parseInput(ImportContactsInput, { contacts }).contacts);
