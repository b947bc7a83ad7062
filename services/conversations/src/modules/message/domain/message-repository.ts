import type { PageRequest } from '@platform/domain';
import type { Message } from './message';

/** What the message operations need of storage (infra/message-repository.ts implements it). */
export interface MessageRepository {
  /** Records a user's reply (and its event) in one tenant transaction; NOT_FOUND for no such conversation. */
  reply(
    organizationId: string,
    reply: { conversationId: string; userId: string; text: string },
    now: Date,
  ): Promise<Message>;
  /**
   * For each conversation (in the order given), up to `request.first + 1` of its messages after the
   * cursor, newest first (sentAt desc, id desc), and its message count: one query for any number of
   * conversations. The messages read are bounded above by the cursor or the conversation's last message,
   * so no later partition is scanned.
   */
  pages(
    organizationId: string,
    conversationIds: readonly string[],
    request: PageRequest,
  ): Promise<Array<{ rows: Message[]; totalCount: number }>>;
}
