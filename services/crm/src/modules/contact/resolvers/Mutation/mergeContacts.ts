import type { MutationResolvers } from '../../../../generated/graphql';

export const mergeContacts: NonNullable<MutationResolvers['mergeContacts']> = (
  _parent,
  { keptContactId, mergedContactId },
  { auth, contacts },
) => contacts.merge(auth, keptContactId, mergedContactId);
