import {
  pageOf,
  signedInUser,
  organizationOf,
  type Actor,
  type Page,
  type PageRequest,
} from '@platform/domain';
import type { Conversation } from '../../conversation/domain/conversation';
import { checkReplyText, type Message } from './message';
import type { MessageRepository } from './message-repository';

const SIGN_IN = 'Sign in to work with conversations';

/** The message use cases: replying, and reading a conversation's messages. */
export function messageOperations(repository: MessageRepository, clock: () => Date = () => new Date()) {
  return {
    /** A reply by the signed-in user, queued for sending. */
    async reply(actor: Actor, conversationId: string, text: string): Promise<Message> {
      const { organizationId, userId } = signedInUser(actor, SIGN_IN);
      return repository.reply(
        organizationId,
        { conversationId, userId, text: checkReplyText(text) },
        clock(),
      );
    },

    /** A page of the conversation's messages, newest first; the total is the conversation's messageCount. */
    async page(actor: Actor, conversation: Conversation, request: PageRequest): Promise<Page<Message>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const rows = await repository.page(
        organizationId,
        conversation.id,
        request,
        conversation.lastMessageAt,
      );
      return pageOf(rows, request, conversation.messageCount);
    },
  };
}

export type MessageOperations = ReturnType<typeof messageOperations>;
