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
   * Up to `request.first + 1` messages of the conversation after the cursor, newest first (sentAt desc,
   * id desc), never later than `notAfter` (the conversation's last message: no partition after it is read).
   */
  page(
    organizationId: string,
    conversationId: string,
    request: PageRequest,
    notAfter: Date | null,
  ): Promise<Message[]>;
}
