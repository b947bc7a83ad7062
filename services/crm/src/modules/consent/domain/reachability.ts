/**
 * Whether a contact may receive a message: the one rule crm, conversations and automation apply
 * (README, "Consent and preferences"). Pure: the consents and preferences go in, a decision comes out,
 * so a service that mirrors them from events decides exactly as crm does. Also what makes a contact
 * unsubscribed, and the events a change of reachability implies.
 */
import { CONTACT_CHANNELS, createEvent, type CloudEvent, type EventData } from '@platform/events/catalog';
import { enumObject } from '@platform/domain';
import {
  CHANNEL_MARKETING_PURPOSE,
  EVENT_SOURCE,
  MARKETING_PURPOSES,
  isRefusal,
  type ContactChannel,
  type ContactConsent,
  type ConsentStatus,
} from './consent';
import { WEEKDAYS, type ContactPreferences, type Weekday } from './preferences';

export const MESSAGE_KINDS = ['marketing', 'transactional'] as const;
export const MessageKind = enumObject(MESSAGE_KINDS);
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Why a message may not go out, first reason first. */
export const REACHABILITY_BLOCKS = [
  'do_not_contact',
  'channel_blocked',
  'consent_refused',
  'no_consent',
  'outside_communication_hours',
] as const;
export const ReachabilityBlock = enumObject(REACHABILITY_BLOCKS);
export type ReachabilityBlock = (typeof REACHABILITY_BLOCKS)[number];

export interface Reachability {
  allowed: boolean;
  /** Why not; null when allowed. */
  blockedBy: ReachabilityBlock | null;
}

/** What the rule reads of the consents and preferences (events and the graph carry all of it). */
export type ConsentView = Pick<ContactConsent, 'purpose' | 'status'>;
export interface PreferencesView {
  blockedChannels: readonly ContactChannel[];
  doNotContact: boolean;
  communicationHours: ContactPreferences['communicationHours'];
}

/** Where marketing consent for `channel` stands: the channel's own decision, else the general one. */
export function marketingConsent(
  consents: readonly ConsentView[],
  channel: ContactChannel,
): 'granted' | 'refused' | 'missing' {
  const statusOf = (purpose: string): ConsentStatus | undefined =>
    consents.find((consent) => consent.purpose === purpose)?.status;
  const general = statusOf('marketing');
  const own = statusOf(CHANNEL_MARKETING_PURPOSE[channel]);
  if (isRefusal(general) || isRefusal(own)) return 'refused';
  if (own === 'granted') return 'granted';
  if ((own === undefined || own === 'unknown') && general === 'granted') return 'granted';
  return 'missing';
}

const weekdayFormat = new Map<string, Intl.DateTimeFormat>();

/** The weekday and minute of the day `at` is in `timeZone` (UTC when it is no zone the runtime knows). */
export function localTime(at: Date, timeZone: string | null | undefined): { day: Weekday; minute: number } {
  const zone = timeZone ?? 'UTC';
  let format = weekdayFormat.get(zone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        weekday: 'long',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      return localTime(at, 'UTC');
    }
    weekdayFormat.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
  const day = WEEKDAYS.find((name) => name === String(parts.weekday).toLowerCase()) ?? 'monday';
  return { day, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

/**
 * Whether `at` falls in the contact's communication hours (always, when it has none). A window whose
 * end comes before its start spans midnight and belongs to the day it starts on.
 */
export function withinCommunicationHours(
  hours: ContactPreferences['communicationHours'],
  at: Date,
  timeZone: string | null | undefined,
): boolean {
  if (!hours) return true;
  const { day, minute } = localTime(at, timeZone);
  if (hours.startMinute < hours.endMinute)
    return hours.days.includes(day) && minute >= hours.startMinute && minute < hours.endMinute;
  const previous = WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7] ?? day;
  return (
    (hours.days.includes(day) && minute >= hours.startMinute) ||
    (hours.days.includes(previous) && minute < hours.endMinute)
  );
}

/**
 * The rule, with its reason. In order:
 * 1. do-not-contact stops everything, transactional messages too;
 * 2. a channel the contact does not accept is not used, for any kind of message;
 * 3. transactional messages (replies, reminders, receipts) need nothing more: consent governs marketing;
 * 4. marketing needs consent for marketing on the channel: neither the general nor the channel's
 *    consent refused (denied or withdrawn), and the channel's own granted, or, when the channel has no
 *    decision of its own (none or unknown), the general one granted. Pending is not granted;
 * 5. marketing goes out within the contact's communication hours only, read in the contact's time zone
 *    (UTC when it has none). With `at` null the hours are not looked at.
 * Frequency caps are the sender's to apply (`withinFrequencyCap`): crm does not count messages.
 */
export function reachability(
  consents: readonly ConsentView[],
  preferences: PreferencesView | null,
  channel: ContactChannel,
  kind: MessageKind,
  at: Date | null,
  timeZone?: string | null,
): Reachability {
  const blocked = (blockedBy: ReachabilityBlock): Reachability => ({ allowed: false, blockedBy });
  if (preferences?.doNotContact) return blocked('do_not_contact');
  if (preferences?.blockedChannels.includes(channel)) return blocked('channel_blocked');
  if (kind === 'transactional') return { allowed: true, blockedBy: null };
  const consent = marketingConsent(consents, channel);
  if (consent === 'refused') return blocked('consent_refused');
  if (consent === 'missing') return blocked('no_consent');
  if (at && !withinCommunicationHours(preferences?.communicationHours ?? null, at, timeZone))
    return blocked('outside_communication_hours');
  return { allowed: true, blockedBy: null };
}

/** Whether the contact may receive a message of `kind` on `channel` at `at` (see `reachability`). */
export function canReceive(
  consents: readonly ConsentView[],
  preferences: PreferencesView | null,
  channel: ContactChannel,
  kind: MessageKind,
  at: Date,
  timeZone?: string | null,
): boolean {
  return reachability(consents, preferences, channel, kind, at, timeZone).allowed;
}

/** The channels marketing may use, whatever the hour (the channels of the subscription events). */
export function marketingChannels(
  consents: readonly ConsentView[],
  preferences: PreferencesView | null,
): ContactChannel[] {
  return CONTACT_CHANNELS.filter(
    (channel) => reachability(consents, preferences, channel, 'marketing', null).allowed,
  );
}

/**
 * Whether the contact is unsubscribed (Contact.status `unsubscribed`): marketing can reach it on no
 * channel, and that is the contact's own doing: do-not-contact, a refused marketing consent (general or
 * a channel's), or a channel it consented to and no longer accepts. A contact nobody has asked yet is
 * not unsubscribed.
 */
export function isUnsubscribed(
  consents: readonly ConsentView[],
  preferences: PreferencesView | null,
): boolean {
  if (marketingChannels(consents, preferences).length > 0) return false;
  if (preferences?.doNotContact) return true;
  if (consents.some((consent) => MARKETING_PURPOSES.includes(consent.purpose) && isRefusal(consent.status)))
    return true;
  return CONTACT_CHANNELS.some(
    (channel) =>
      (preferences?.blockedChannels.includes(channel) ?? false) &&
      marketingConsent(consents, channel) === 'granted',
  );
}

/** Where marketing stands for a contact: the channels it may use and whether it is unsubscribed. */
export interface Subscription {
  channels: ContactChannel[];
  unsubscribed: boolean;
}

export function subscriptionOf(
  consents: readonly ConsentView[],
  preferences: PreferencesView | null,
): Subscription {
  return {
    channels: marketingChannels(consents, preferences),
    unsubscribed: isUnsubscribed(consents, preferences),
  };
}

export type ContactUnsubscribed = CloudEvent<
  'crm.contact.unsubscribed.v1',
  EventData<'crm.contact.unsubscribed.v1'>
>;
export type ContactResubscribed = CloudEvent<
  'crm.contact.resubscribed.v1',
  EventData<'crm.contact.resubscribed.v1'>
>;

/**
 * The events a change of a contact's subscription implies: `unsubscribed` when marketing lost channels
 * or the contact became unsubscribed, `resubscribed` when it gained channels or stopped being
 * unsubscribed. Both when a change does both (one channel blocked, another allowed).
 */
export function subscriptionEvents(
  before: Subscription,
  after: Subscription,
  context: { organizationId: string; contactId: string; at: Date },
): Array<ContactUnsubscribed | ContactResubscribed> {
  const lost = before.channels.filter((channel) => !after.channels.includes(channel));
  const gained = after.channels.filter((channel) => !before.channels.includes(channel));
  const envelope = {
    source: EVENT_SOURCE,
    subject: context.contactId,
    tenantId: context.organizationId,
    time: context.at,
  };
  const data = {
    contactId: context.contactId,
    organizationId: context.organizationId,
    marketingChannels: after.channels,
    unsubscribed: after.unsubscribed,
    occurredAt: context.at.toISOString(),
  };
  const events: Array<ContactUnsubscribed | ContactResubscribed> = [];
  if (lost.length > 0 || (after.unsubscribed && !before.unsubscribed))
    events.push(
      createEvent('crm.contact.unsubscribed.v1', { ...envelope, data: { ...data, channels: lost } }),
    );
  if (gained.length > 0 || (before.unsubscribed && !after.unsubscribed))
    events.push(
      createEvent('crm.contact.resubscribed.v1', { ...envelope, data: { ...data, channels: gained } }),
    );
  return events;
}
