import type { MutationResolvers } from '../../../../generated/graphql';
import { parseInput } from '@platform/service-kit';
import { contactPatchOf, UpdateContactInput } from '../../input-fields';

export const updateContact: NonNullable<MutationResolvers['updateContact']> = (
  _parent,
  { id, expectedVersion, input },
  { auth, contacts },
) => contacts.update(auth, id, contactPatchOf(parseInput(UpdateContactInput, input)), expectedVersion);
