import type { CrmContext } from '../context';
import type { Contact } from '../domain/contact';

export const Query = {
  contact(_parent: unknown, args: { id: string }, context: CrmContext): Promise<Contact> {
    return context.contacts.get(context.auth, args.id, (id) => context.contactById.load(id));
  },
};
