/**
 * Consent of contacts (spec 000 `consentStatus`: consent per purpose with status and timestamp, "granular
 * consent tracking by purpose, versioned consent records"): the current status per purpose, the rules of
 * how it may change, the history entry every change appends, and the events it implies. No Prisma or
 * GraphQL here. Events carry ids, enums and times only: source details and IP addresses stay in crm.
 */
import { isIPv4, isIPv6 } from 'node:net';
import {
  CONSENT_PURPOSES,
  CONSENT_SOURCES,
  CONSENT_STATUSES,
  CONTACT_CHANNELS,
  createEvent,
  type CloudEvent,
  type EventData,
} from '@platform/events/catalog';
import { conflict, enumObject, type InputIssues } from '@platform/domain';

export const ConsentPurpose = enumObject(CONSENT_PURPOSES);
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];
export const ConsentStatus = enumObject(CONSENT_STATUSES);
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];
export const ConsentSource = enumObject(CONSENT_SOURCES);
export type ConsentSource = (typeof CONSENT_SOURCES)[number];
export const ContactChannel = enumObject(CONTACT_CHANNELS);
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

export const EVENT_SOURCE = '/services/crm';

/** Where a consent was captured (campaign, form, keyword…): flat, and free of personal data. */
export type SourceDetails = Record<string, string | number | boolean>;

/** A contact's current consent for one purpose. */
export interface ContactConsent {
  organizationId: string;
  contactId: string;
  purpose: ConsentPurpose;
  status: ConsentStatus;
  source: ConsentSource;
  sourceDetails: SourceDetails;
  /** When the contact expressed it. */
  capturedAt: Date;
  /** The version of the consent wording or policy the contact answered. */
  policyVersion: string | null;
  /** Keyed hash of the IP address it was captured from (the address is never stored). */
  ipHash: string | null;
  /** The user who recorded it; null when the platform did. */
  recordedBy: string | null;
  /** When crm recorded it: the time of its latest history entry. */
  updatedAt: Date;
}

/** One change of a contact's consent, as the append-only history keeps it. */
export interface ConsentHistoryEntry {
  id: string;
  organizationId: string;
  contactId: string;
  purpose: ConsentPurpose;
  /** Null when the purpose had no status recorded. */
  from: ConsentStatus | null;
  to: ConsentStatus;
  source: ConsentSource;
  sourceDetails: SourceDetails;
  capturedAt: Date;
  policyVersion: string | null;
  ipHash: string | null;
  changedBy: string | null;
  /** When crm recorded the change; strictly increasing per contact (the history's order). */
  createdAt: Date;
}

/** The purpose that holds a channel's own marketing consent. */
export const CHANNEL_MARKETING_PURPOSE: Readonly<Record<ContactChannel, ConsentPurpose>> = {
  email: 'email_marketing',
  sms: 'sms_marketing',
  phone: 'phone_marketing',
  whatsapp: 'whatsapp_marketing',
  social: 'social_marketing',
  mail: 'mail_marketing',
};

/** The general marketing purpose and every channel's: what an unsubscribe touches. */
export const MARKETING_PURPOSES: readonly ConsentPurpose[] = [
  'marketing',
  ...CONTACT_CHANNELS.map((channel) => CHANNEL_MARKETING_PURPOSE[channel]),
];

/** A decision against: the contact said no when asked (denied) or took a yes back (withdrawn). */
export function isRefusal(status: ConsentStatus | null | undefined): boolean {
  return status === 'denied' || status === 'withdrawn';
}

/**
 * Sources where the contact acted themselves (or a user of the organization recorded that they did,
 * and is named as the one who recorded it). Only these may bring back a consent the contact refused or
 * confirm a pending one: an import or an API sync replaying old lists must never resubscribe someone.
 */
export const EXPLICIT_SOURCES: ReadonlySet<ConsentSource> = new Set<ConsentSource>([
  'form',
  'double_opt_in',
  'preference_center',
  'inbound_message',
  'user',
]);

export const MAX_POLICY_VERSION_LENGTH = 32;
export const MAX_SOURCE_DETAIL_KEYS = 20;
export const MAX_SOURCE_DETAIL_LENGTH = 200;
/** A capture time this far ahead of crm's clock is a client's clock running fast; recorded as now. */
export const CLOCK_SKEW_MS = 5 * 60_000;

const SOURCE_DETAIL_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** Keys that name personal data, compared without case, `_`, `-` or `.`. */
const PERSONAL_KEYS: ReadonlySet<string> = new Set([
  'email',
  'emailaddress',
  'phone',
  'phonenumber',
  'mobile',
  'ip',
  'ipaddress',
  'useragent',
  'name',
  'firstname',
  'lastname',
  'fullname',
  'givenname',
  'familyname',
  'address',
  'dateofbirth',
  'dob',
]);
const EMAIL_LIKE = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const PHONE_LIKE = /^\+?[\d\s().-]{7,}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/** Why a source detail's string value may be personal data, or null. */
function personalValue(value: string): string | null {
  if (EMAIL_LIKE.test(value)) return 'looks like an email address';
  const trimmed = value.trim();
  if (isIPv4(trimmed) || isIPv6(trimmed)) return 'looks like an IP address';
  if (PHONE_LIKE.test(trimmed) && !ISO_DATE.test(trimmed) && trimmed.replace(/\D/g, '').length >= 7)
    return 'looks like a phone number';
  return null;
}

/**
 * Source details as stored: a flat object of at most 20 keys (letters, digits, `_`, `.`, `-`; 1–64
 * characters) whose values are strings of up to 200 characters, finite numbers or booleans. Keys that
 * name personal data and values that look like an email address, a phone number or an IP address are
 * refused: the details travel with the consent into exports and audits, and must not carry the contact.
 */
export function checkSourceDetails(
  issues: InputIssues,
  value: Readonly<Record<string, unknown>> | null | undefined,
  path = 'sourceDetails',
): SourceDetails {
  const details: SourceDetails = {};
  if (value === null || value === undefined) return details;
  const entries = Object.entries(value);
  if (entries.length > MAX_SOURCE_DETAIL_KEYS)
    issues.add(path, `must have at most ${MAX_SOURCE_DETAIL_KEYS} keys`);
  for (const [key, item] of entries) {
    const at = `${path}.${key}`;
    if (!SOURCE_DETAIL_KEY.test(key)) {
      issues.add(at, 'must be a key of letters, digits, _, . or - (1–64 characters, a letter first)');
      continue;
    }
    if (PERSONAL_KEYS.has(key.toLowerCase().replace(/[_.-]/g, ''))) {
      issues.add(at, 'must not hold personal data');
      continue;
    }
    if (typeof item === 'string') {
      const problem = personalValue(item);
      if (item.length > MAX_SOURCE_DETAIL_LENGTH)
        issues.add(at, `must be at most ${MAX_SOURCE_DETAIL_LENGTH} characters`);
      else if (problem) issues.add(at, `must not hold personal data (${problem})`);
      else details[key] = item;
    } else if (typeof item === 'boolean' || (typeof item === 'number' && Number.isFinite(item))) {
      details[key] = item;
    } else {
      issues.add(at, 'must be a string, a number or a boolean');
    }
  }
  return details;
}

/** An IP address in one canonical form (IPv6 compressed and lower-cased, IPv4-mapped as IPv4); null when none. */
export function normalizeIpAddress(value: string): string | null {
  const trimmed = value.trim();
  if (isIPv4(trimmed)) return trimmed;
  if (!isIPv6(trimmed) || trimmed.includes('%')) return null;
  const canonical = new URL(`http://[${trimmed}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped) return canonical;
  const [high, low] = [parseInt(mapped[1] ?? '0', 16), parseInt(mapped[2] ?? '0', 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** What `setContactConsent` asks for, as the resolver passes it. */
export interface ConsentChangeInput {
  purpose: ConsentPurpose;
  status: ConsentStatus;
  source: ConsentSource;
  sourceDetails?: Readonly<Record<string, unknown>> | null;
  capturedAt?: Date | null;
  policyVersion?: string | null;
  ipAddress?: string | null;
}

/** A checked change: every field valid, the capture time given (or null for "now"). */
export interface ConsentChange {
  purpose: ConsentPurpose;
  status: ConsentStatus;
  source: ConsentSource;
  sourceDetails: SourceDetails;
  capturedAt: Date | null;
  policyVersion: string | null;
  /** The canonical address; the operations turn it into `ipHash`. */
  ipAddress: string | null;
}

/**
 * Checks a consent change before anything is read. What a source can say: an unsubscribe link only
 * withdraws, a double opt-in confirmation only grants. The capture time may not lie in the future (a few
 * minutes of client clock skew are recorded as now) or before year 1.
 */
export function checkConsentChange(input: ConsentChangeInput, now: Date, issues: InputIssues): ConsentChange {
  const sourceDetails = checkSourceDetails(issues, input.sourceDetails);
  if (input.source === 'unsubscribe_link' && input.status !== 'withdrawn')
    issues.add('status', 'must be withdrawn when the source is an unsubscribe link');
  if (input.source === 'double_opt_in' && input.status !== 'granted')
    issues.add('status', 'must be granted when the source is a double opt-in confirmation');
  let capturedAt: Date | null = null;
  if (input.capturedAt) {
    const time = input.capturedAt.getTime();
    if (Number.isNaN(time) || input.capturedAt.getUTCFullYear() < 1)
      issues.add('capturedAt', 'must be a valid date-time from year 1');
    else if (time > now.getTime() + CLOCK_SKEW_MS) issues.add('capturedAt', 'must not be in the future');
    else capturedAt = time > now.getTime() ? null : input.capturedAt;
  }
  let policyVersion: string | null = null;
  if (input.policyVersion !== null && input.policyVersion !== undefined) {
    const trimmed = input.policyVersion.trim();
    if (trimmed.length > MAX_POLICY_VERSION_LENGTH)
      issues.add('policyVersion', `must be at most ${MAX_POLICY_VERSION_LENGTH} characters`);
    policyVersion = trimmed.length === 0 ? null : trimmed;
  }
  let ipAddress: string | null = null;
  if (input.ipAddress !== null && input.ipAddress !== undefined && input.ipAddress.trim() !== '') {
    ipAddress = normalizeIpAddress(input.ipAddress);
    if (ipAddress === null) issues.add('ipAddress', 'must be an IPv4 or IPv6 address');
  }
  return {
    purpose: input.purpose,
    status: input.status,
    source: input.source,
    sourceDetails,
    capturedAt,
    policyVersion,
    ipAddress,
  };
}

/**
 * Why a consent may not move from `from` (null: nothing recorded) to `to` by `source`, or null when it
 * may. The rules (docs/decisions.md, "Consent"):
 * - nothing recorded, or unknown: any status (an unsubscribe may come first);
 * - a recorded decision is never reset to unknown (withdraw it instead);
 * - a granted consent is withdrawn, not denied, and needs no confirmation (no way back to pending);
 * - granting or asking again after a refusal (denied, withdrawn), and confirming a pending consent, need
 *   the contact's own act: an explicit source (EXPLICIT_SOURCES), never an import or an API sync;
 * - a double opt-in confirmation confirms a pending consent, and nothing else.
 * Moving to the current status is no change at all (see `decideConsent`).
 */
export function transitionProblem(
  from: ConsentStatus | null,
  to: ConsentStatus,
  source: ConsentSource,
): string | null {
  const undecided = from === null || from === 'unknown';
  if (source === 'double_opt_in' && from !== 'pending')
    return 'a double opt-in confirmation needs a pending consent';
  if (to === 'unknown' && !undecided) return 'a recorded consent is never reset to unknown: withdraw it';
  if (from === 'granted' && to === 'denied') return 'a granted consent is withdrawn, not denied';
  if (from === 'granted' && to === 'pending') return 'a granted consent needs no confirmation';
  const comesBack =
    (isRefusal(from) && (to === 'granted' || to === 'pending')) || (from === 'pending' && to === 'granted');
  if (comesBack && !EXPLICIT_SOURCES.has(source))
    return `${from === 'pending' ? 'confirming a pending consent' : 'a consent the contact refused comes back only'} from the contact’s own act (form, double opt-in, preference center, inbound message or a user), not from ${source}`;
  return null;
}

/** Who records a change, and when (the time is the contact's next history time). */
export interface ChangeContext {
  organizationId: string;
  contactId: string;
  by: string | null;
  at: Date;
  /** The history entry's id. */
  newId: () => string;
}

export type ConsentChanged = CloudEvent<
  'crm.contact.consent_changed.v1',
  EventData<'crm.contact.consent_changed.v1'>
>;

/** A change, with the history entry it appends and its event; or the consent as it stays. */
export type ConsentDecision =
  | { changed: true; consent: ContactConsent; entry: ConsentHistoryEntry; event: ConsentChanged }
  | { changed: false; consent: ContactConsent };

/**
 * The consent after `change`, the history entry and the event; unchanged when the status is the one
 * already recorded (an import run twice writes nothing). CONFLICT, naming from, to and source, when the rules
 * refuse the move, or when the change was captured before the recorded decision (a stale sync must not
 * overwrite a newer answer).
 */
export function decideConsent(
  current: ContactConsent | null,
  change: ConsentChange & { ipHash: string | null },
  context: ChangeContext,
): ConsentDecision {
  if (current && current.status === change.status) return { changed: false, consent: current };
  const from = current?.status ?? null;
  const problem = transitionProblem(from, change.status, change.source);
  if (problem)
    throw conflict(
      `Consent for ${change.purpose} cannot move from ${from ?? 'none'} to ${change.status}: ${problem}`,
      {
        purpose: change.purpose,
        from,
        to: change.status,
        source: change.source,
      },
    );
  if (current && change.capturedAt && change.capturedAt.getTime() < current.capturedAt.getTime())
    throw conflict(
      `A later decision on ${change.purpose} is recorded (captured ${current.capturedAt.toISOString()})`,
      {
        purpose: change.purpose,
        capturedAt: current.capturedAt.toISOString(),
      },
    );
  const capturedAt = change.capturedAt ?? context.at;
  const consent: ContactConsent = {
    organizationId: context.organizationId,
    contactId: context.contactId,
    purpose: change.purpose,
    status: change.status,
    source: change.source,
    sourceDetails: change.sourceDetails,
    capturedAt,
    policyVersion: change.policyVersion,
    ipHash: change.ipHash,
    recordedBy: context.by,
    updatedAt: context.at,
  };
  const entry: ConsentHistoryEntry = {
    id: context.newId(),
    organizationId: context.organizationId,
    contactId: context.contactId,
    purpose: change.purpose,
    from,
    to: change.status,
    source: change.source,
    sourceDetails: change.sourceDetails,
    capturedAt,
    policyVersion: change.policyVersion,
    ipHash: change.ipHash,
    changedBy: context.by,
    createdAt: context.at,
  };
  const event = createEvent('crm.contact.consent_changed.v1', {
    source: EVENT_SOURCE,
    subject: context.contactId,
    tenantId: context.organizationId,
    time: context.at,
    data: {
      contactId: context.contactId,
      organizationId: context.organizationId,
      purpose: change.purpose,
      from,
      to: change.status,
      source: change.source,
      capturedAt: capturedAt.toISOString(),
      changedBy: context.by,
      occurredAt: context.at.toISOString(),
    },
  });
  return { changed: true, consent, entry, event };
}

/**
 * The time of a contact's next change: now, or just after its latest recorded change when the clock has
 * not moved past it. Writes of one contact take turns (the repository serialises them), so its history's
 * times strictly increase and newest-first is exactly the order the changes were made in.
 */
export function nextChangeTime(now: Date, latest: Date | null): Date {
  if (latest === null || now.getTime() > latest.getTime()) return now;
  return new Date(latest.getTime() + 1);
}

/** The latest time any of these consents changed (their history's latest entry), or null. */
export function latestChange(consents: ReadonlyArray<Pick<ContactConsent, 'updatedAt'>>): Date | null {
  let latest: Date | null = null;
  for (const consent of consents)
    if (latest === null || consent.updatedAt.getTime() > latest.getTime()) latest = consent.updatedAt;
  return latest;
}

/** Consents in the order of the purposes' enum (marketing first). */
export function inPurposeOrder<T extends { purpose: ConsentPurpose }>(consents: readonly T[]): T[] {
  const rank = (purpose: ConsentPurpose) => CONSENT_PURPOSES.indexOf(purpose);
  return [...consents].sort((a, b) => rank(a.purpose) - rank(b.purpose));
}

/** The purposes an unsubscribe withdraws: the channel's, or marketing and every channel's. */
export function unsubscribePurposes(channel: ContactChannel | null): readonly ConsentPurpose[] {
  return channel ? [CHANNEL_MARKETING_PURPOSE[channel]] : MARKETING_PURPOSES;
}

/**
 * Which of the purposes an unsubscribe changes, given what is recorded: a single channel's consent is
 * withdrawn unless it is refused already (recorded withdrawn even when nothing was recorded, so the
 * refusal outlives a later general opt-in); for all channels, general marketing likewise, and each
 * channel's consent only when granted or pending (the general refusal covers the others).
 */
export function purposesToWithdraw(
  consents: ReadonlyArray<Pick<ContactConsent, 'purpose' | 'status'>>,
  channel: ContactChannel | null,
): ConsentPurpose[] {
  const statusOf = (purpose: ConsentPurpose) =>
    consents.find((consent) => consent.purpose === purpose)?.status;
  return unsubscribePurposes(channel).filter((purpose) => {
    const status = statusOf(purpose);
    if (isRefusal(status)) return false;
    if (channel || purpose === 'marketing') return true;
    return status === 'granted' || status === 'pending';
  });
}
