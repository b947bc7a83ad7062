import type { ContactResolvers } from '../../../generated/graphql';
import { displayName } from '../domain/contact';

export const Contact: ContactResolvers = {
  __resolveReference: (reference, { contactById }) => contactById.load(reference.id),
  displayName: (contact) => displayName(contact),
  /** A reference the identity subgraph resolves (batched there). */
  owner: (contact) => (contact.ownerId ? { id: contact.ownerId } : null),
};
