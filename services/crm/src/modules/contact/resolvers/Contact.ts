import type { ContactResolvers } from '../../../generated/graphql';
import { visibleCustomFieldValues } from '../../custom-field/domain/custom-field-values';
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
  /** Live custom fields' values only: an archived field's stay stored, hidden until it is restored. */
  customFields: async (contact, _args, { customFieldDefinitionsOf }) =>
    visibleCustomFieldValues(await customFieldDefinitionsOf.load('contact'), contact.customFields),
};
