import type { QueryResolvers } from '../../../../generated/graphql';

export const contact: NonNullable<QueryResolvers['contact']> = (
  _parent,
  { id },
  { auth, contacts, contactById },
) => contacts.get(auth, id, (key) => contactById.load(key));
