import type { EmailMessage, SentEmail } from './notification';

/**
 * Delivers email. Two implementations: the local mailbox (the default: the message is kept where
 * developers, tests and the seeded demo read it) and SMTP (any mail server, when SMTP_URL is set).
 * `within` is the transaction the notification is recorded in; the local mailbox stores the message in
 * it, so a message and its record commit together.
 */
export interface EmailSender<TTransaction> {
  readonly provider: string;
  send(message: EmailMessage, organizationId: string, within: TTransaction): Promise<SentEmail>;
}
