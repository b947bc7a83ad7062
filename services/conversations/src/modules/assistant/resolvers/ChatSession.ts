import { pageRequest } from '@platform/domain';
import { toConnection } from '@platform/service-kit';
import type { ChatSessionResolvers } from '../../../generated/graphql';

export const ChatSession: ChatSessionResolvers = {
  messages: async (session, { first, after }, { chatMessagesBySession }) =>
    toConnection(
      await chatMessagesBySession.load({ parentId: session.id, request: pageRequest(first, after) }),
    ),
};
