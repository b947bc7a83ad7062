import nodemailer from 'nodemailer';
import type { Prisma } from '../../../generated/prisma/client';
import type { EmailSender } from '../domain/email-sender';

type Transaction = Prisma.TransactionClient;

export const SMTP = 'smtp';

/**
 * Email over SMTP (nodemailer), to whatever server SMTP_URL names, e.g.
 * `smtp://user:password@mail.example.com:587` or `smtps://…:465`. A refusal throws, so the consumer
 * retries and, after its attempts, parks the event on the dead-letter topic.
 */
export function smtpSender(url: string): EmailSender<Transaction> & { close(): void } {
  const transport = nodemailer.createTransport(url);
  return {
    provider: SMTP,
    async send(message) {
      const info = await transport.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
      });
      return { provider: SMTP, providerMessageId: info.messageId };
    },
    close: () => transport.close(),
  };
}
