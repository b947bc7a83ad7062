/** Notifications: messages to people, rendered from templates, and what became of them. */
import { randomUUID } from 'node:crypto';
import { badUserInput } from '@platform/domain';
import type { EMAIL_TEMPLATES } from '@platform/events/catalog';

export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];

export interface EmailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Where an email went: the provider that took it and its id there. */
export interface SentEmail {
  provider: string;
  providerMessageId: string;
}

export interface Notification {
  id: string;
  organizationId: string;
  channel: 'email';
  recipient: string;
  template: string;
  subject: string;
  status: 'sent';
  provider: string;
  providerMessageId: string;
  sourceEventId: string;
  createdAt: Date;
  sentAt: Date;
}

function required(variables: Readonly<Record<string, string>>, name: string): string {
  const value = variables[name];
  if (value === undefined) throw badUserInput(`the email template needs the variable ${name}`);
  return value;
}

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** The subject and bodies of a templated email (English; the locale is kept for translations). */
export function renderEmail(
  template: EmailTemplate,
  variables: Readonly<Record<string, string>>,
  addresses: { from: string; to: string },
): EmailMessage {
  let subject: string;
  let paragraphs: string[];
  let link: string;
  if (template === 'invitation') {
    const organization = required(variables, 'organizationName');
    link = required(variables, 'acceptUrl');
    subject = `${required(variables, 'inviterName')} invited you to ${organization}`;
    paragraphs = [
      `${required(variables, 'inviterName')} invited you to join ${organization}.`,
      `Accept the invitation and choose your password: ${link}`,
      `The link works once, until ${required(variables, 'expiresAt')}.`,
    ];
  } else {
    link = required(variables, 'resetUrl');
    subject = 'Reset your password';
    paragraphs = [
      'Someone (hopefully you) asked to reset the password of your account.',
      `Choose a new password: ${link}`,
      `The link works once, until ${required(variables, 'expiresAt')}. If you did not ask, ignore this email.`,
    ];
  }
  return {
    ...addresses,
    subject,
    text: paragraphs.join('\n\n'),
    html: paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n'),
  };
}

/**
 * The record of an email a provider took. A provider that refuses throws instead: the consumer retries
 * with backoff and parks the event on the dead-letter topic after its attempts.
 */
export function sentEmail(
  input: { organizationId: string; sourceEventId: string; template: string; message: EmailMessage },
  sent: SentEmail,
  now: Date,
): Notification {
  return {
    id: randomUUID(),
    organizationId: input.organizationId,
    channel: 'email',
    recipient: input.message.to,
    template: input.template,
    subject: input.message.subject,
    status: 'sent',
    provider: sent.provider,
    providerMessageId: sent.providerMessageId,
    sourceEventId: input.sourceEventId,
    createdAt: now,
    sentAt: now,
  };
}
