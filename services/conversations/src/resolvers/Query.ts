import type { ConversationsContext } from '../context';
import type { Conversation } from '../domain/conversation';

export const Query = {
  conversation(_parent: unknown, args: { id: string }, context: ConversationsContext): Promise<Conversation> {
    return context.conversations.get(context.auth, args.id, (id) => context.conversationById.load(id));
  },
};
