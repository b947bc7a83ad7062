/** Notifications: messages to people, rendered from templates, and what became of them. */
import { randomUUID } from 'node:crypto';
import { badUserInput } from '@platform/domain';
import type {
  CHANNEL_PLATFORMS,
  EMAIL_TEMPLATES,
  EventData,
  PLAN_IDS,
  USAGE_METRICS,
} from '@platform/events/catalog';

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

/** The template name of usage alerts in notification records. */
export const USAGE_ALERT_TEMPLATE = 'usage_threshold';

/** Roles whose holders hear about the organization's plan and usage. */
export const BILLING_ALERT_ROLES: readonly string[] = ['owner', 'admin'];

/** What automation knows of a user of an organization (its copy of identity's users). */
export interface OrganizationMember {
  id: string;
  email: string;
  type: string;
  status: string;
  deleted: boolean;
  roles: readonly string[];
}

/**
 * Usage alerts go to the organization's owners and admins: people (not AI, system or integration
 * users) whose account is active and not deleted.
 */
export function notifiedOfUsage(member: OrganizationMember): boolean {
  return (
    member.type === 'human' &&
    member.status === 'active' &&
    !member.deleted &&
    member.roles.some((role) => BILLING_ALERT_ROLES.includes(role))
  );
}

type UsageAlert = EventData<'billing.usage.threshold_reached.v1'>;

const PLAN_NAMES: Readonly<Record<(typeof PLAN_IDS)[number], string>> = {
  free: 'Free',
  basic: 'Basic',
  pro: 'Professional',
  enterprise: 'Enterprise',
};

const METRIC_NOUNS: Readonly<Record<(typeof USAGE_METRICS)[number], string>> = {
  contacts: 'contacts',
  custom_fields: 'custom fields',
  storage_bytes: 'storage',
  api_calls: 'API calls',
  ai_tokens: 'AI tokens',
  ai_tasks: 'AI tasks',
};

/** What happens at the limit, and what makes room. */
const AT_THE_LIMIT: Readonly<Record<(typeof USAGE_METRICS)[number], string>> = {
  contacts: 'new contacts are refused until some are deleted or the plan is upgraded',
  custom_fields: 'new custom fields are refused until some are archived or the plan is upgraded',
  storage_bytes: 'new attachments and documents are refused until some are deleted or the plan is upgraded',
  api_calls: 'upgrading the plan raises the limit',
  ai_tokens: 'upgrading the plan raises the limit',
  ai_tasks: 'upgrading the plan raises the limit',
};

/** Storage quotas are in GB of 2^30 bytes (billing's unit). */
const BYTES_PER_GB = 2 ** 30;

/** "80 contacts", "4 custom fields", "0.8 GB of storage". */
function quantity(metric: UsageAlert['metric'], value: number): string {
  if (metric === 'storage_bytes') return `${(value / BYTES_PER_GB).toFixed(1)} GB of storage`;
  return `${value.toLocaleString('en-US')} ${METRIC_NOUNS[metric]}`;
}

/** The email telling an owner or admin that usage reached 80 % or 100 % of a plan limit. */
export function renderUsageAlert(alert: UsageAlert, addresses: { from: string; to: string }): EmailMessage {
  const noun = METRIC_NOUNS[alert.metric];
  const plan = PLAN_NAMES[alert.planId];
  const percent = Math.floor((alert.used * 100) / alert.limit);
  const reached = alert.threshold === 100;
  const subject = reached
    ? `Your organization reached its ${noun} limit`
    : `Your organization used ${alert.threshold}% of its ${noun} limit`;
  const paragraphs = [
    `Your organization uses ${quantity(alert.metric, alert.used)}; its ${plan} plan includes ` +
      `${quantity(alert.metric, alert.limit)} (${percent}%).`,
    reached ? `From now on, ${AT_THE_LIMIT[alert.metric]}.` : `At the limit, ${AT_THE_LIMIT[alert.metric]}.`,
  ];
  return {
    ...addresses,
    subject,
    text: paragraphs.join('\n\n'),
    html: paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n'),
  };
}

/** The template name of channel alerts (004's `disconnect` alert) in notification records. */
export const DISCONNECT_ALERT_TEMPLATE = 'disconnect';

const CHANNEL_NAMES: Readonly<Record<(typeof CHANNEL_PLATFORMS)[number], string>> = {
  facebook: 'Facebook',
  instagram: 'Instagram',
  twitter: 'X (Twitter)',
  linkedin: 'LinkedIn',
  whatsapp: 'WhatsApp',
  email: 'email',
  gmail: 'Gmail',
  slack: 'Slack',
  sms: 'SMS',
  chat: 'web chat',
};

type ChannelAlert =
  | {
      type: 'conversations.account.disconnected.v1';
      data: EventData<'conversations.account.disconnected.v1'>;
    }
  | {
      type: 'conversations.account.refresh_failed.v1';
      data: EventData<'conversations.account.refresh_failed.v1'>;
    };

/**
 * 004's `disconnect` alert: a channel account was disconnected, or its token could not be refreshed.
 * The event carries no account name (PII-free): the email names the channel and points to the settings.
 */
export function renderDisconnectAlert(
  alert: ChannelAlert,
  addresses: { from: string; to: string },
): EmailMessage {
  const channel = CHANNEL_NAMES[alert.data.platform];
  const refreshFailed = alert.type === 'conversations.account.refresh_failed.v1';
  const subject = refreshFailed
    ? `A ${channel} account of your organization needs reconnecting`
    : `A ${channel} account of your organization was disconnected`;
  const paragraphs = [
    refreshFailed
      ? `${channel} refused to renew the access of one of your organization’s connected accounts ` +
        `(${alert.data.errorCode}). Messages from it no longer arrive and replies cannot be sent.`
      : `One of your organization’s ${channel} accounts was disconnected. Messages from it no longer ` +
        'arrive and replies cannot be sent.',
    'Reconnect it in the connected accounts settings to resume.',
  ];
  return {
    ...addresses,
    subject,
    text: paragraphs.join('\n\n'),
    html: paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n'),
  };
}
