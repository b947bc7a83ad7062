import type { CrmContext } from '../context';
import { displayName, type Contact as ContactModel } from '../domain/contact';

export const Contact = {
  __resolveReference(reference: { id: string }, context: CrmContext): Promise<ContactModel | null> {
    return context.contactById.load(reference.id);
  },
  displayName: (contact: ContactModel) => displayName(contact),
  /** A reference the identity subgraph resolves (batched there). */
  owner: (contact: ContactModel) => (contact.ownerId ? { __typename: 'User', id: contact.ownerId } : null),
};
