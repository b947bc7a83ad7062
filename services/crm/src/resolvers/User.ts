import type { CrmContext } from '../context';

interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

export const User = {
  __resolveReference: (reference: { id: string }) => reference,
  ownedContacts(user: { id: string }, args: ConnectionArgs, context: CrmContext) {
    return context.contacts.ownedBy(context.auth, user.id, args.first, args.after);
  },
};
