import type { ConversationsContext } from '../context';

export const Contact = {
  __resolveReference: (reference: { id: string }) => reference,
  conversations(
    contact: { id: string },
    args: { first?: number | null; after?: string | null },
    context: ConversationsContext,
  ) {
    return context.conversations.withContact(context.auth, contact.id, args.first, args.after);
  },
};
