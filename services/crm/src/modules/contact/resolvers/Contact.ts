import type { ContactResolvers } from '../../../generated/graphql';
import { displayName, isActive } from '../domain/contact';

export const Contact: ContactResolvers = {
  __resolveReference: (reference, { contactById }) => contactById.load(reference.id),
  displayName: (contact) => displayName(contact),
  /** A reference the identity subgraph resolves (batched there). */
  owner: (contact) => (contact.ownerId ? { id: contact.ownerId } : null),
  assignedUser: (contact) => (contact.assignedUserId ? { id: contact.assignedUserId } : null),
  createdBy: (contact) => (contact.createdById ? { id: contact.createdById } : null),
  updatedBy: (contact) => (contact.updatedById ? { id: contact.updatedById } : null),
  isActive: (contact) => isActive(contact),
};
