/**
 * A contact's communication preferences (spec 000 `preferences`: `{"email":true,"sms":false}` and
 * `communicationHours` with start, end and days): which channels the contact accepts, the one they
 * prefer, the language to write in, when they may be contacted, how often marketing may come, and
 * whether they may be contacted at all. No Prisma or GraphQL here.
 */
import {
  CONTACT_CHANNELS,
  CONTACT_PREFERENCE_FIELDS,
  createEvent,
  type CloudEvent,
  type EventData,
} from '@platform/events/catalog';
import { enumObject, type InputIssues } from '@platform/domain';
import { canonicalLocale } from '../../contact/domain/contact';
import { EVENT_SOURCE, type ContactChannel } from './consent';

export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export const Weekday = enumObject(WEEKDAYS);
export type Weekday = (typeof WEEKDAYS)[number];
export const FREQUENCY_PERIODS = ['day', 'week', 'month'] as const;
export const FrequencyPeriod = enumObject(FREQUENCY_PERIODS);
export type FrequencyPeriod = (typeof FREQUENCY_PERIODS)[number];
export type PreferenceField = (typeof CONTACT_PREFERENCE_FIELDS)[number];

/** When a contact may be contacted: minutes after midnight in their time zone, on these days. */
export interface CommunicationHours {
  /** 0–1439. */
  startMinute: number;
  /** 0–1439, not `startMinute`; before it, the window spans midnight (and belongs to its start day). */
  endMinute: number;
  days: Weekday[];
}

/** At most `maxMessages` marketing messages per `period`. */
export interface FrequencyCap {
  maxMessages: number;
  period: FrequencyPeriod;
}

export interface ContactPreferences {
  organizationId: string;
  contactId: string;
  /** The channels the contact does not want to be reached on (every other one is allowed). */
  blockedChannels: ContactChannel[];
  preferredChannel: ContactChannel | null;
  /** BCP 47, canonical; null: the contact's locale. */
  language: string | null;
  communicationHours: CommunicationHours | null;
  marketingFrequencyCap: FrequencyCap | null;
  /** Nothing at all may be sent, marketing or transactional. */
  doNotContact: boolean;
  updatedBy: string | null;
  /** Null while the contact has none recorded (the defaults). */
  updatedAt: Date | null;
}

/** A contact without recorded preferences: every channel allowed, no hours, no cap, may be contacted. */
export function defaultPreferences(organizationId: string, contactId: string): ContactPreferences {
  return {
    organizationId,
    contactId,
    blockedChannels: [],
    preferredChannel: null,
    language: null,
    communicationHours: null,
    marketingFrequencyCap: null,
    doNotContact: false,
    updatedBy: null,
    updatedAt: null,
  };
}

export const MAX_FREQUENCY_CAP = 100;
const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** What `setContactPreferences` asks for: a field left undefined stays; null clears an optional one. */
export interface PreferencesInput {
  channels?: ReadonlyArray<{ channel: ContactChannel; allowed: boolean }> | null;
  preferredChannel?: ContactChannel | null;
  language?: string | null;
  communicationHours?: { start: string; end: string; days: readonly Weekday[] } | null;
  marketingFrequencyCap?: { maxMessages: number; period: FrequencyPeriod } | null;
  doNotContact?: boolean | null;
}

/** Checked changes: the channels to allow or block, and the other fields given. */
export interface PreferencesChanges {
  channels?: ReadonlyMap<ContactChannel, boolean>;
  preferredChannel?: ContactChannel | null;
  language?: string | null;
  communicationHours?: CommunicationHours | null;
  marketingFrequencyCap?: FrequencyCap | null;
  doNotContact?: boolean;
}

/** "HH:MM" (24 h) as minutes after midnight; null when it is not one. */
export function parseClockTime(value: string): number | null {
  const match = CLOCK_TIME.exec(value.trim());
  if (!match) return null;
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Minutes after midnight as "HH:MM". */
export function formatClockTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Checks the changes before the current preferences are read; every problem goes to `issues`. */
export function checkPreferencesChanges(input: PreferencesInput, issues: InputIssues): PreferencesChanges {
  const changes: PreferencesChanges = {};
  if (input.channels !== undefined) {
    if (input.channels === null)
      issues.add('channels', 'cannot be cleared: allow or block channels one by one');
    else {
      const channels = new Map<ContactChannel, boolean>();
      input.channels.forEach(({ channel, allowed }, index) => {
        if (channels.has(channel)) issues.add(`channels.${index}.channel`, `gives ${channel} twice`);
        channels.set(channel, allowed);
      });
      changes.channels = channels;
    }
  }
  if (input.preferredChannel !== undefined) changes.preferredChannel = input.preferredChannel;
  if (input.language !== undefined) {
    const trimmed = input.language?.trim() ?? '';
    const language = trimmed === '' ? null : canonicalLocale(trimmed);
    if (trimmed !== '' && (language === null || language.length > 35))
      issues.add('language', 'must be a BCP 47 language tag, e.g. fr-CA');
    changes.language = language;
  }
  if (input.communicationHours !== undefined) {
    const hours = input.communicationHours;
    if (hours === null) changes.communicationHours = null;
    else {
      const startMinute = parseClockTime(hours.start);
      const endMinute = parseClockTime(hours.end);
      if (startMinute === null) issues.add('communicationHours.start', 'must be a time HH:MM (24 h)');
      if (endMinute === null) issues.add('communicationHours.end', 'must be a time HH:MM (24 h)');
      else if (startMinute === endMinute)
        issues.add(
          'communicationHours.end',
          'must differ from start (an end before the start spans midnight)',
        );
      if (hours.days.length === 0) issues.add('communicationHours.days', 'must name at least one day');
      if (new Set(hours.days).size !== hours.days.length)
        issues.add('communicationHours.days', 'must name each day at most once');
      changes.communicationHours = {
        startMinute: startMinute ?? 0,
        endMinute: endMinute ?? 0,
        days: WEEKDAYS.filter((day) => hours.days.includes(day)),
      };
    }
  }
  if (input.marketingFrequencyCap !== undefined) {
    const cap = input.marketingFrequencyCap;
    if (
      cap !== null &&
      (!Number.isInteger(cap.maxMessages) || cap.maxMessages < 1 || cap.maxMessages > MAX_FREQUENCY_CAP)
    )
      issues.add(
        'marketingFrequencyCap.maxMessages',
        `must be a whole number from 1 to ${MAX_FREQUENCY_CAP}`,
      );
    changes.marketingFrequencyCap =
      cap === null ? null : { maxMessages: cap.maxMessages, period: cap.period };
  }
  if (input.doNotContact !== undefined) {
    if (input.doNotContact === null) issues.add('doNotContact', 'cannot be cleared: set it to true or false');
    else changes.doNotContact = input.doNotContact;
  }
  return changes;
}

export type PreferencesChanged = CloudEvent<
  'crm.contact.preferences_changed.v1',
  EventData<'crm.contact.preferences_changed.v1'>
>;

const sameHours = (a: CommunicationHours | null, b: CommunicationHours | null) =>
  a === null || b === null
    ? a === b
    : a.startMinute === b.startMinute && a.endMinute === b.endMinute && a.days.join() === b.days.join();

const sameCap = (a: FrequencyCap | null, b: FrequencyCap | null) =>
  a === null || b === null ? a === b : a.maxMessages === b.maxMessages && a.period === b.period;

/**
 * The preferences once `changes` apply to `current`, the fields that changed and the event (none when
 * nothing changed). The preferred channel must be one the contact accepts once the changes apply: the
 * problem goes to `issues`, with whatever the input had wrong.
 */
export function applyPreferences(
  current: ContactPreferences,
  changes: PreferencesChanges,
  context: { by: string | null; at: Date },
  issues: InputIssues,
): { preferences: ContactPreferences; changedFields: PreferenceField[]; events: PreferencesChanged[] } {
  const blocked = new Set(current.blockedChannels);
  for (const [channel, allowed] of changes.channels ?? []) {
    if (allowed) blocked.delete(channel);
    else blocked.add(channel);
  }
  const next: ContactPreferences = {
    ...current,
    blockedChannels: CONTACT_CHANNELS.filter((channel) => blocked.has(channel)),
    preferredChannel:
      changes.preferredChannel !== undefined ? changes.preferredChannel : current.preferredChannel,
    language: changes.language !== undefined ? changes.language : current.language,
    communicationHours:
      changes.communicationHours !== undefined ? changes.communicationHours : current.communicationHours,
    marketingFrequencyCap:
      changes.marketingFrequencyCap !== undefined
        ? changes.marketingFrequencyCap
        : current.marketingFrequencyCap,
    doNotContact: changes.doNotContact ?? current.doNotContact,
  };
  if (next.preferredChannel !== null && blocked.has(next.preferredChannel))
    issues.add('preferredChannel', `is ${next.preferredChannel}, a channel the contact does not accept`);
  const changedFields = CONTACT_PREFERENCE_FIELDS.filter((field) => {
    switch (field) {
      case 'channels':
        return next.blockedChannels.join() !== current.blockedChannels.join();
      case 'preferredChannel':
        return next.preferredChannel !== current.preferredChannel;
      case 'language':
        return next.language !== current.language;
      case 'communicationHours':
        return !sameHours(next.communicationHours, current.communicationHours);
      case 'marketingFrequencyCap':
        return !sameCap(next.marketingFrequencyCap, current.marketingFrequencyCap);
      case 'doNotContact':
        return next.doNotContact !== current.doNotContact;
    }
  });
  if (changedFields.length === 0) return { preferences: current, changedFields, events: [] };
  const preferences: ContactPreferences = { ...next, updatedBy: context.by, updatedAt: context.at };
  const event = createEvent('crm.contact.preferences_changed.v1', {
    source: EVENT_SOURCE,
    subject: current.contactId,
    tenantId: current.organizationId,
    time: context.at,
    data: {
      contactId: current.contactId,
      organizationId: current.organizationId,
      changedFields,
      doNotContact: preferences.doNotContact,
      changedBy: context.by,
      occurredAt: context.at.toISOString(),
    },
  });
  return { preferences, changedFields, events: [event] };
}

/**
 * Whether another marketing message fits the contact's frequency cap, given how many went out in the
 * current period (the sender counts them; crm does not see messages go out). No cap: always.
 */
export function withinFrequencyCap(
  preferences: Pick<ContactPreferences, 'marketingFrequencyCap'> | null,
  sentInPeriod: number,
): boolean {
  const cap = preferences?.marketingFrequencyCap;
  return !cap || sentInPeriod < cap.maxMessages;
}

/** Every channel and whether the contact accepts it, in the channels' order. */
export function channelPreferences(
  preferences: Pick<ContactPreferences, 'blockedChannels'>,
): Array<{ channel: ContactChannel; allowed: boolean }> {
  return CONTACT_CHANNELS.map((channel) => ({
    channel,
    allowed: !preferences.blockedChannels.includes(channel),
  }));
}
