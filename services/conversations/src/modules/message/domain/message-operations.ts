import {
  InputIssues,
  isUuid,
  organizationOf,
  pagesOf,
  signedInUser,
  type Actor,
  type Page,
  type PageRequest,
} from '@platform/domain';
import { checkCursor } from '../../conversation/domain/conversation';
import { checkReplyText, type Message } from './message';
import type { MessageRepository } from './message-repository';

const SIGN_IN = 'Sign in to work with conversations';

/** The message use cases: replying, and reading a conversation's messages. */
export function messageOperations(repository: MessageRepository, clock: () => Date = () => new Date()) {
  return {
    /** A reply by the signed-in user, queued for sending. */
    async reply(actor: Actor, conversationId: string, text: string): Promise<Message> {
      const { organizationId, userId } = signedInUser(actor, SIGN_IN);
      const issues = new InputIssues();
      if (!isUuid(conversationId)) issues.add('id', 'must be a UUID');
      issues.throwIfAny();
      return repository.reply(
        organizationId,
        { conversationId, userId, text: checkReplyText(text) },
        clock(),
      );
    },

    /**
     * Pages of messages for many conversations at once (what a list of conversations asks for), in
     * conversation order; the total is each conversation's messageCount.
     */
    async pages(
      actor: Actor,
      conversationIds: readonly string[],
      request: PageRequest,
    ): Promise<Array<Page<Message>>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      checkCursor(request);
      return pagesOf(conversationIds, request, (ids) => repository.pages(organizationId, ids, request));
    },
  };
}

export type MessageOperations = ReturnType<typeof messageOperations>;
