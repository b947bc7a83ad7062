import { pageRequest } from '@platform/domain';
import { toConnectionBy } from '@platform/service-kit';
import type { ConversationResolvers } from '../../../generated/graphql';

export const Conversation: ConversationResolvers = {
  /** Cursors hold (sentAt, id): the order the page is in. */
  messages: async (conversation, { first, after }, { auth, messages }) =>
    toConnectionBy(await messages.page(auth, conversation, pageRequest(first, after)), (message) => ({
      createdAt: message.sentAt,
      id: message.id,
    })),
};
