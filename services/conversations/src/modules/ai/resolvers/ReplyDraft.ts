import { notFound } from '@platform/domain';
import type { ReplyDraftResolvers } from '../../../generated/graphql';

export const ReplyDraft: ReplyDraftResolvers = {
  conversation: async (draft, _args, { conversationById }) => {
    const conversation = await conversationById.load(draft.conversationId);
    if (!conversation) throw notFound('Conversation', draft.conversationId);
    return conversation;
  },
  decidedById: (draft) => draft.decidedBy,
};
