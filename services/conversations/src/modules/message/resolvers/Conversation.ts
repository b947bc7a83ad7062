import { pageRequest } from '@platform/domain';
import { toConnectionBy } from '@platform/service-kit';
import type { ConversationResolvers } from '../../../generated/graphql';

export const Conversation: ConversationResolvers = {
  /** Batched: a list of N conversations costs one query. Cursors hold (sentAt, id): the page's order. */
  messages: async (conversation, { first, after }, { messagesByConversation }) =>
    toConnectionBy(
      await messagesByConversation.load({ parentId: conversation.id, request: pageRequest(first, after) }),
      (message) => ({
        createdAt: message.sentAt,
        id: message.id,
      }),
    ),
};
