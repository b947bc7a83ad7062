import { randomUUID } from 'node:crypto';
import type { Prisma } from '../../../generated/prisma/client';
import type { EmailSender } from '../domain/email-sender';

type Transaction = Prisma.TransactionClient;

/** The provider name of the local mailbox, in notification records. */
export const LOCAL_MAILBOX = 'local_mailbox';

/**
 * The local mailbox: no mail leaves the machine; each message is stored in `local_mailbox_messages`
 * (in the notification's transaction) and can be read at GET /local-mailbox/messages?to=<address>.
 */
export function localMailbox(): EmailSender<Transaction> {
  return {
    provider: LOCAL_MAILBOX,
    async send(message, organizationId, tx) {
      const id = randomUUID();
      await tx.localMailboxMessage.create({
        data: {
          id,
          organizationId,
          notificationId: id,
          from: message.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
        },
      });
      return { provider: LOCAL_MAILBOX, providerMessageId: id };
    },
  };
}
