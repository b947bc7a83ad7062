/**
 * An organization's billing details: who gets the invoices (contact, invoice email), the bill-to
 * address, tax ids and the currency invoices are issued in. Every problem of an update is reported at
 * once (BAD_USER_INPUT with `issues`). No Prisma or GraphQL here.
 */
import { getAlpha2Codes } from 'i18n-iso-countries';
import { euVat, stdnum } from 'stdnum';
import { enumObject, InputIssues } from '@platform/domain';

/** Tax id kinds (Stripe's names): the country's VAT or business number, format and check digit checked. */
export const TAX_ID_TYPES = [
  'eu_vat',
  'gb_vat',
  'ch_vat',
  'no_vat',
  'us_ein',
  'ca_bn',
  'au_abn',
  'nz_gst',
  'in_gst',
] as const;
export const TaxIdType = enumObject(TAX_ID_TYPES);
export type TaxIdType = (typeof TAX_ID_TYPES)[number];

/**
 * Currencies invoices may be issued in (ISO 4217): currencies with two minor digits, as billing's money
 * is in cents.
 */
export const SUPPORTED_CURRENCIES = [
  'USD',
  'EUR',
  'GBP',
  'CAD',
  'AUD',
  'NZD',
  'CHF',
  'SEK',
  'NOK',
  'DKK',
] as const;
export type Currency = (typeof SUPPORTED_CURRENCIES)[number];
export const DEFAULT_CURRENCY: Currency = 'USD';

export const MAX_TAX_IDS = 5;
const NAME_MAX = 200;
const LINE_MAX = 200;
const CITY_MAX = 100;
const REGION_MAX = 100;
const POSTAL_CODE = /^[A-Z0-9][A-Z0-9 -]{0,14}[A-Z0-9]$|^[A-Z0-9]$/;
const E164 = /^\+[1-9]\d{1,14}$/;
// RFC 5322-ish (crm's rule): a local part of printable characters without spaces, a dotted domain.
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const COUNTRIES: ReadonlySet<string> = new Set(Object.keys(getAlpha2Codes()));

export interface BillingContact {
  name: string;
  /** Lower-cased. */
  email: string;
  /** E.164. */
  phone: string | null;
}

export interface BillingAddress {
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  /** Upper-cased. */
  postalCode: string | null;
  /** ISO 3166-1 alpha-2, upper-cased. */
  country: string;
}

export interface TaxId {
  type: TaxIdType;
  /** Normalised: separators removed; VAT numbers with their country prefix (DE136695976). */
  value: string;
}

export interface BillingInfo {
  organizationId: string;
  contact: BillingContact | null;
  address: BillingAddress | null;
  taxIds: TaxId[];
  currency: Currency;
  /** Where invoices are sent; the contact's email when null. */
  invoiceEmail: string | null;
  /** When the first invoice fixed the currency; null while it may still change. */
  currencyFixedAt: Date | null;
  updatedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What updateBillingInfo asks for: an omitted part stays as it is, null clears it. */
export interface BillingInfoUpdate {
  contact?: { name: string; email: string; phone?: string | null } | null;
  address?: {
    line1: string;
    line2?: string | null;
    city: string;
    region?: string | null;
    postalCode?: string | null;
    country: string;
  } | null;
  taxIds?: ReadonlyArray<{ type: TaxIdType; value: string }> | null;
  currency?: string | null;
  invoiceEmail?: string | null;
}

export function isSupportedCurrency(value: string): value is Currency {
  return (SUPPORTED_CURRENCIES as readonly string[]).includes(value);
}

/** An email as stored: trimmed and lower-cased; null when it is not a valid address. */
export function normalizeEmail(value: string): string | null {
  const email = value.trim().toLowerCase();
  return email.length <= 254 && EMAIL.test(email) && !email.includes('..') ? email : null;
}

/** A phone as stored: E.164 without separators; null when it is not one. */
export function normalizePhone(value: string): string | null {
  const phone = value.trim().replace(/[\s().-]/g, '');
  return E164.test(phone) ? phone : null;
}

export function isCountryCode(value: string): boolean {
  return COUNTRIES.has(value);
}

/** The EU's VAT prefixes (Greece writes EL) and the country whose VAT rules check them. */
const EU_VAT_COUNTRIES: Readonly<Record<string, string>> = {
  AT: 'AT',
  BE: 'BE',
  BG: 'BG',
  CY: 'CY',
  CZ: 'CZ',
  DE: 'DE',
  DK: 'DK',
  EE: 'EE',
  EL: 'GR',
  ES: 'ES',
  FI: 'FI',
  FR: 'FR',
  HR: 'HR',
  HU: 'HU',
  IE: 'IE',
  IT: 'IT',
  LT: 'LT',
  LU: 'LU',
  LV: 'LV',
  MT: 'MT',
  NL: 'NL',
  PL: 'PL',
  PT: 'PT',
  RO: 'RO',
  SE: 'SE',
  SI: 'SI',
  SK: 'SK',
};

/** The stdnum validator of each non-EU type, and the prefix its normalised value carries. */
const NATIONAL_TAX_IDS: Readonly<
  Record<
    Exclude<TaxIdType, 'eu_vat'>,
    { country: string; validator: string; prefix: string; example: string }
  >
> = {
  gb_vat: { country: 'GB', validator: 'vat', prefix: 'GB', example: 'GB980780684' },
  ch_vat: { country: 'CH', validator: 'vat', prefix: '', example: 'CHE-107.787.577 MWST' },
  no_vat: { country: 'NO', validator: 'mva', prefix: 'NO', example: 'NO995525828MVA' },
  us_ein: { country: 'US', validator: 'ein', prefix: '', example: '04-2103594' },
  ca_bn: { country: 'CA', validator: 'bn', prefix: '', example: '123026635' },
  au_abn: { country: 'AU', validator: 'abn', prefix: '', example: '51 824 753 556' },
  nz_gst: { country: 'NZ', validator: 'ird', prefix: '', example: '49-091-850' },
  in_gst: { country: 'IN', validator: 'gstin', prefix: '', example: '27AAPFU0939F1ZV' },
};

/**
 * A tax id checked against its type's format and check digits (python-stdnum's rules, through the
 * stdnum package) and normalised; the problem otherwise.
 */
export function checkTaxId(type: TaxIdType, raw: string): { value: string } | { problem: string } {
  const text = raw.trim().toUpperCase();
  if (text.length === 0 || text.length > 40) return { problem: 'must be 1–40 characters' };
  if (type === TaxIdType.eu_vat) {
    const prefix = text.slice(0, 2);
    const country = EU_VAT_COUNTRIES[prefix];
    if (!country) return { problem: 'must start with an EU country prefix, e.g. DE136695976 (Greece: EL)' };
    const checked = euVat[country]?.[0]?.validate(text);
    if (!checked?.isValid) return { problem: `is not a valid ${prefix} VAT number` };
    return { value: `${prefix}${checked.compact}` };
  }
  const rule = NATIONAL_TAX_IDS[type];
  const checked = stdnum[rule.country]?.[rule.validator]?.validate(text);
  if (!checked?.isValid) return { problem: `is not a valid ${type} number, e.g. ${rule.example}` };
  return { value: `${rule.prefix}${checked.compact}` };
}

function required(issues: InputIssues, path: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length === 0) issues.add(path, 'must not be empty');
  else if (trimmed.length > max) issues.add(path, `must be at most ${max} characters`);
  return trimmed;
}

function optional(
  issues: InputIssues,
  path: string,
  value: string | null | undefined,
  max: number,
): string | null {
  const trimmed = value?.trim() ?? '';
  if (trimmed.length > max) issues.add(path, `must be at most ${max} characters`);
  return trimmed.length > 0 ? trimmed : null;
}

function email(issues: InputIssues, path: string, value: string): string {
  const normalized = normalizeEmail(value);
  if (!normalized) issues.add(path, 'must be a valid email address');
  return normalized ?? '';
}

function checkContact(issues: InputIssues, input: NonNullable<BillingInfoUpdate['contact']>): BillingContact {
  const phoneText = input.phone?.trim() ? input.phone : null;
  const phone = phoneText === null ? null : normalizePhone(phoneText);
  if (phoneText !== null && phone === null)
    issues.add('contact.phone', 'must be in E.164 format, e.g. +15551234567');
  return {
    name: required(issues, 'contact.name', input.name, NAME_MAX),
    email: email(issues, 'contact.email', input.email),
    phone,
  };
}

function checkAddress(issues: InputIssues, input: NonNullable<BillingInfoUpdate['address']>): BillingAddress {
  const country = input.country.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country) || !isCountryCode(country)) {
    issues.add('address.country', 'must be an ISO 3166-1 alpha-2 country code, e.g. US');
  }
  const postalCode = optional(issues, 'address.postalCode', input.postalCode, 16)?.toUpperCase() ?? null;
  if (postalCode !== null && !POSTAL_CODE.test(postalCode)) {
    issues.add('address.postalCode', 'may contain only letters, digits, spaces and hyphens');
  }
  return {
    line1: required(issues, 'address.line1', input.line1, LINE_MAX),
    line2: optional(issues, 'address.line2', input.line2, LINE_MAX),
    city: required(issues, 'address.city', input.city, CITY_MAX),
    region: optional(issues, 'address.region', input.region, REGION_MAX),
    postalCode,
    country,
  };
}

function checkTaxIds(issues: InputIssues, input: NonNullable<BillingInfoUpdate['taxIds']>): TaxId[] {
  if (input.length > MAX_TAX_IDS) issues.add('taxIds', `must hold at most ${MAX_TAX_IDS} tax ids`);
  const taxIds: TaxId[] = [];
  input.forEach((entry, index) => {
    const checked = checkTaxId(entry.type, entry.value);
    if ('problem' in checked) {
      issues.add(`taxIds.${index}.value`, checked.problem);
      return;
    }
    if (taxIds.some((taxId) => taxId.type === entry.type && taxId.value === checked.value)) {
      issues.add(`taxIds.${index}.value`, 'is listed twice');
      return;
    }
    taxIds.push({ type: entry.type, value: checked.value });
  });
  return taxIds;
}

/**
 * The currency after the update. It may change until the first invoice is issued; from then on it is
 * fixed (invoices, credits and the balance carried between them stay in one currency).
 */
function checkCurrency(issues: InputIssues, input: string | null, current: BillingInfo | null): Currency {
  const now = current?.currency ?? DEFAULT_CURRENCY;
  if (input === null) {
    issues.add('currency', 'must be given (omit it to keep the current one)');
    return now;
  }
  const code = input.trim().toUpperCase();
  if (!isSupportedCurrency(code)) {
    issues.add('currency', `must be one of ${SUPPORTED_CURRENCIES.join(', ')}`);
    return now;
  }
  if (code !== now && current?.currencyFixedAt) {
    issues.add('currency', `is fixed to ${now}: invoices were issued in it`, 'fixed');
    return now;
  }
  return code;
}

/**
 * The billing info after `update` (every problem at once): `current` with the given parts replaced;
 * a first update starts from nothing (currency USD).
 */
export function updateBillingInfo(
  current: BillingInfo | null,
  update: BillingInfoUpdate,
  by: { organizationId: string; userId: string | null },
  now: Date,
): BillingInfo {
  const issues = new InputIssues();
  const contact =
    update.contact === undefined
      ? (current?.contact ?? null)
      : update.contact && checkContact(issues, update.contact);
  const address =
    update.address === undefined
      ? (current?.address ?? null)
      : update.address && checkAddress(issues, update.address);
  const taxIds =
    update.taxIds === undefined
      ? (current?.taxIds ?? [])
      : update.taxIds
        ? checkTaxIds(issues, update.taxIds)
        : [];
  const currency =
    update.currency === undefined
      ? (current?.currency ?? DEFAULT_CURRENCY)
      : checkCurrency(issues, update.currency, current);
  const invoiceEmail =
    update.invoiceEmail === undefined
      ? (current?.invoiceEmail ?? null)
      : update.invoiceEmail?.trim()
        ? email(issues, 'invoiceEmail', update.invoiceEmail)
        : null;
  issues.throwIfAny();
  return {
    organizationId: by.organizationId,
    contact,
    address,
    taxIds,
    currency,
    invoiceEmail,
    currencyFixedAt: current?.currencyFixedAt ?? null,
    updatedBy: by.userId,
    createdAt: current?.createdAt ?? now,
    updatedAt: now,
  };
}

/** What an invoice's bill-to block shows (the lead's invoice rendering reads it). */
export interface BillTo {
  name: string | null;
  email: string | null;
  address: BillingAddress | null;
  taxIds: TaxId[];
  currency: Currency;
}

/** The bill-to of an organization: its billing info, or nothing but the default currency. */
export function billToOf(info: BillingInfo | null): BillTo {
  return {
    name: info?.contact?.name ?? null,
    email: info?.invoiceEmail ?? info?.contact?.email ?? null,
    address: info?.address ?? null,
    taxIds: info?.taxIds ?? [],
    currency: info?.currency ?? DEFAULT_CURRENCY,
  };
}
