/**
 * The parts of a contact beyond its name and state (spec 000's second field table): email addresses,
 * phone numbers and postal addresses (each a list with exactly one primary), date of birth, profile
 * fields, where the contact came from, external system ids, system metadata, the contact's company and
 * assigned user, and 003's lead score. Checks here report into the caller's InputIssues.
 */
import { enumObject, type InputIssues } from '@platform/domain';

export const EMAIL_TYPES = ['work', 'personal', 'other'] as const;
export type EmailType = (typeof EMAIL_TYPES)[number];
export const EmailType = enumObject(EMAIL_TYPES);
export const PHONE_TYPES = ['mobile', 'work', 'home', 'fax', 'other'] as const;
export type PhoneType = (typeof PHONE_TYPES)[number];
export const PhoneType = enumObject(PHONE_TYPES);
export const ADDRESS_TYPES = ['home', 'work', 'billing', 'shipping', 'other'] as const;
export type AddressType = (typeof ADDRESS_TYPES)[number];
export const AddressType = enumObject(ADDRESS_TYPES);
/** Deprecated for decisions (spec 000, UNIFICATION.md): stored and shown, never used to allow or deny. */
export const PRIVACY_LEVELS = ['Public', 'Internal', 'Private', 'Confidential'] as const;
export type PrivacyLevel = (typeof PRIVACY_LEVELS)[number];
export const PrivacyLevel = enumObject(PRIVACY_LEVELS);
/** Spec 003's letter grade, beside the 0–100 value. */
export const LEAD_SCORES = ['A', 'B', 'C', 'D', 'F'] as const;
export type LeadScore = (typeof LEAD_SCORES)[number];
export const LeadScore = enumObject(LEAD_SCORES);
/** Spec 001's lead temperature (conversations' LEAD_SCORES), beside 003's grade. */
export const LEAD_TEMPERATURES = ['hot', 'warm', 'cold'] as const;
export type LeadTemperature = (typeof LEAD_TEMPERATURES)[number];
export const LeadTemperature = enumObject(LEAD_TEMPERATURES);

export interface ContactEmail {
  /** Trimmed, lower-cased. */
  address: string;
  type: EmailType;
  isPrimary: boolean;
  verified: boolean;
}

export interface ContactPhone {
  /** E.164. */
  number: string;
  type: PhoneType;
  isPrimary: boolean;
  verified: boolean;
}

export interface ContactAddress {
  type: AddressType;
  street: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  /** ISO 3166-1 alpha-2, upper-case. */
  country: string | null;
  isPrimary: boolean;
}

/** At most this many entries per list. */
export const MAX_LIST_ENTRIES = 10;
export const MAX_EXTERNAL_IDS = 20;
/** A JSON object field (sourceDetails, metadata) holds at most this many bytes as JSON. */
export const MAX_JSON_BYTES = 8192;

const E164 = /^\+[1-9]\d{1,14}$/;
// RFC 5322-ish: a local part of printable characters without spaces, a dotted domain of labels.
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const COUNTRY = /^[A-Z]{2}$/;
const SYSTEM = /^[a-z][a-z0-9_-]{0,49}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** An email as stored and looked up: trimmed and lower-cased; null when it is not a valid address. */
export function normalizeEmail(value: string): string | null {
  const email = value.trim().toLowerCase();
  return email.length <= 255 && EMAIL.test(email) && !email.includes('..') ? email : null;
}

/** A phone as stored and looked up: E.164 without separators; null when it is not one. */
export function normalizePhone(value: string): string | null {
  const phone = value.trim().replace(/[\s().-]/g, '');
  return E164.test(phone) ? phone : null;
}

/** Trimmed, null when empty; an issue when longer than `max`. */
export function text(
  issues: InputIssues,
  path: string,
  value: string | null | undefined,
  max: number,
): string | null {
  const trimmed = value?.trim() ?? '';
  if (trimmed.length > max) issues.add(path, `must be at most ${max} characters`);
  return trimmed.length > 0 ? trimmed : null;
}

/**
 * A list where exactly one entry is primary: a single entry is primary whether flagged or not; two or
 * more need exactly one flagged.
 */
function onePrimary<T extends { isPrimary: boolean }>(issues: InputIssues, path: string, entries: T[]): T[] {
  if (entries.length === 1) return entries.map((entry) => ({ ...entry, isPrimary: true }));
  const primaries = entries.filter((entry) => entry.isPrimary).length;
  if (entries.length > 1 && primaries !== 1) issues.add(path, 'exactly one entry must be primary');
  return entries;
}

function bounded<T>(issues: InputIssues, path: string, entries: readonly T[]): readonly T[] {
  if (entries.length > MAX_LIST_ENTRIES) issues.add(path, `at most ${MAX_LIST_ENTRIES} entries`);
  return entries;
}

export interface EmailInput {
  address: string;
  type?: EmailType | null;
  isPrimary?: boolean | null;
  verified?: boolean | null;
}

export function checkEmails(issues: InputIssues, entries: readonly EmailInput[]): ContactEmail[] {
  const seen = new Set<string>();
  const emails = bounded(issues, 'emails', entries).map((entry, index) => {
    const address = normalizeEmail(entry.address);
    if (address === null) issues.add(`emails.${index}.address`, 'must be a valid email address');
    else if (seen.has(address)) issues.add(`emails.${index}.address`, 'is already in the list');
    if (address) seen.add(address);
    return {
      address: address ?? entry.address,
      type: entry.type ?? EmailType.other,
      isPrimary: entry.isPrimary ?? false,
      verified: entry.verified ?? false,
    };
  });
  return onePrimary(issues, 'emails', emails);
}

export interface PhoneInput {
  number: string;
  type?: PhoneType | null;
  isPrimary?: boolean | null;
  verified?: boolean | null;
}

export function checkPhones(issues: InputIssues, entries: readonly PhoneInput[]): ContactPhone[] {
  const seen = new Set<string>();
  const phones = bounded(issues, 'phones', entries).map((entry, index) => {
    const number = normalizePhone(entry.number);
    if (number === null) issues.add(`phones.${index}.number`, 'must be in E.164 format, e.g. +15551234567');
    else if (seen.has(number)) issues.add(`phones.${index}.number`, 'is already in the list');
    if (number) seen.add(number);
    return {
      number: number ?? entry.number,
      type: entry.type ?? PhoneType.other,
      isPrimary: entry.isPrimary ?? false,
      verified: entry.verified ?? false,
    };
  });
  return onePrimary(issues, 'phones', phones);
}

export interface AddressInput {
  type?: AddressType | null;
  street?: string | null;
  city?: string | null;
  region?: string | null;
  postalCode?: string | null;
  country?: string | null;
  isPrimary?: boolean | null;
}

export function checkAddresses(issues: InputIssues, entries: readonly AddressInput[]): ContactAddress[] {
  const addresses = bounded(issues, 'addresses', entries).map((entry, index): ContactAddress => {
    const at = `addresses.${index}`;
    const country = entry.country?.trim().toUpperCase() || null;
    if (country !== null && !COUNTRY.test(country)) {
      issues.add(`${at}.country`, 'must be an ISO 3166-1 alpha-2 country code, e.g. CA');
    }
    const address: ContactAddress = {
      type: entry.type ?? AddressType.other,
      street: text(issues, `${at}.street`, entry.street, 255),
      city: text(issues, `${at}.city`, entry.city, 100),
      region: text(issues, `${at}.region`, entry.region, 100),
      postalCode: text(issues, `${at}.postalCode`, entry.postalCode, 20),
      country,
      isPrimary: entry.isPrimary ?? false,
    };
    if (!address.street && !address.city && !address.region && !address.postalCode && !country) {
      issues.add(at, 'must have at least one of street, city, region, postalCode, country');
    }
    return address;
  });
  return onePrimary(issues, 'addresses', addresses);
}

/**
 * A date of birth as stored: YYYY-MM-DD, not in the future and not before 1900 (the Date scalar gives
 * midnight UTC).
 */
export function checkDateOfBirth(issues: InputIssues, value: Date | null, now: Date): string | null {
  if (value === null) return null;
  const date = value.toISOString().slice(0, 10);
  if (!DATE.test(date) || value.getUTCFullYear() < 1900 || value.getTime() > now.getTime()) {
    issues.add('dateOfBirth', 'must be a date from 1900 to today');
  }
  return date;
}

/** An https (or http) URL of at most 2,048 characters. */
export function checkUrl(issues: InputIssues, path: string, value: string | null | undefined): string | null {
  const url = text(issues, path, value, 2048);
  if (url === null) return null;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      issues.add(path, 'must be an http(s) URL');
  } catch {
    issues.add(path, 'must be an http(s) URL');
  }
  return url;
}

/** A JSON object of at most MAX_JSON_BYTES. */
export function checkJsonObject(
  issues: InputIssues,
  path: string,
  value: Record<string, unknown> | null | undefined,
): Record<string, unknown> {
  const object = value ?? {};
  if (Buffer.byteLength(JSON.stringify(object)) > MAX_JSON_BYTES) {
    issues.add(path, `must be at most ${MAX_JSON_BYTES} bytes as JSON`);
  }
  return object;
}

/** External system ids: `{ "salesforce": "0011p…", "hubspot": "101" }`, system names lower-case. */
export function checkExternalIds(
  issues: InputIssues,
  value: Record<string, unknown> | null | undefined,
): Record<string, string> {
  const entries = Object.entries(value ?? {});
  if (entries.length > MAX_EXTERNAL_IDS) issues.add('externalIds', `at most ${MAX_EXTERNAL_IDS} systems`);
  const ids: Record<string, string> = {};
  for (const [system, id] of entries) {
    if (!SYSTEM.test(system)) {
      issues.add(
        `externalIds.${system}`,
        'a system name is 1–50 of a-z, 0-9, _ and -, starting with a letter',
      );
    } else if (typeof id !== 'string' || id.trim().length < 1 || id.length > 255) {
      issues.add(`externalIds.${system}`, 'must be an id of 1–255 characters');
    } else {
      ids[system] = id.trim();
    }
  }
  return ids;
}

export const primaryOf = <T extends { isPrimary: boolean }>(entries: readonly T[]): T | null =>
  entries.find((entry) => entry.isPrimary) ?? null;

/**
 * The primary email list after the single `email` field is set: the primary entry's address replaced
 * (or a primary entry added), or, when cleared, the primary removed and the next entry promoted.
 */
export function withPrimaryEmail(emails: readonly ContactEmail[], address: string | null): ContactEmail[] {
  const others = emails.filter((entry) => !entry.isPrimary && entry.address !== address);
  if (address === null) return others.map((entry, index) => ({ ...entry, isPrimary: index === 0 }));
  const primary = primaryOf(emails);
  return [
    {
      address,
      type: primary?.type ?? EmailType.other,
      isPrimary: true,
      verified: primary?.address === address && primary.verified,
    },
    ...others,
  ];
}

/** As withPrimaryEmail, for phones. */
export function withPrimaryPhone(phones: readonly ContactPhone[], number: string | null): ContactPhone[] {
  const others = phones.filter((entry) => !entry.isPrimary && entry.number !== number);
  if (number === null) return others.map((entry, index) => ({ ...entry, isPrimary: index === 0 }));
  const primary = primaryOf(phones);
  return [
    {
      number,
      type: primary?.type ?? PhoneType.other,
      isPrimary: true,
      verified: primary?.number === number && primary.verified,
    },
    ...others,
  ];
}

/** What the contact list sorts by (the API's ContactOrderField). */
export const CONTACT_ORDER_FIELDS = [
  'CREATED_AT',
  'UPDATED_AT',
  'NAME',
  'LAST_INTERACTION_AT',
  'NEXT_FOLLOW_UP_AT',
  'LEAD_SCORE_VALUE',
  'CUSTOM_FIELD',
] as const;
export type ContactOrderField = (typeof CONTACT_ORDER_FIELDS)[number];
export const ContactOrderField = enumObject(CONTACT_ORDER_FIELDS);
