/**
 * What custom fields hold: spec 000's data types (string, number, boolean, date, datetime, enum) with
 * spec 003's text, select and multiselect, and the platform's decimal, currency, long text, email,
 * phone and url. Each type says how a value is written in a record's `custom_fields` object and which
 * of the validation rules apply to it. No Prisma or GraphQL here.
 */
import { CUSTOM_FIELD_DATA_TYPES, CUSTOM_FIELD_ENTITY_TYPES } from '@platform/events/catalog';
import { enumObject } from '@platform/domain';

export const CustomFieldEntityType = enumObject(CUSTOM_FIELD_ENTITY_TYPES);
export type CustomFieldEntityType = (typeof CUSTOM_FIELD_ENTITY_TYPES)[number];
export const CustomFieldDataType = enumObject(CUSTOM_FIELD_DATA_TYPES);
export type CustomFieldDataType = (typeof CUSTOM_FIELD_DATA_TYPES)[number];

/** One value as stored: a string (text-like, date, datetime, select), a number (number, decimal, currency) or a boolean. */
export type CustomFieldScalar = string | number | boolean;
/** A stored value: one scalar, or a list of them (array fields and multiselect). */
export type CustomFieldValue = CustomFieldScalar | CustomFieldScalar[];
/** A record's custom field values by key (its `custom_fields` object). */
export type CustomFieldValues = Record<string, unknown>;

/** Longest value of each text-like type, in characters (a definition's maxLength may only lower it). */
export const MAX_TEXT_LENGTH = {
  text: 1_000,
  long_text: 10_000,
  email: 255,
  phone: 16,
  url: 2_048,
} as const satisfies Partial<Record<CustomFieldDataType, number>>;
/** Most values in one array field. */
export const MAX_ARRAY_ITEMS = 100;

type TextLike = keyof typeof MAX_TEXT_LENGTH;

export function isTextLike(type: CustomFieldDataType): type is TextLike {
  return Object.hasOwn(MAX_TEXT_LENGTH, type);
}

/** Types whose values are numbers, bounded by `min`/`max`. */
export function isNumeric(type: CustomFieldDataType): boolean {
  return type === 'number' || type === 'decimal' || type === 'currency';
}

/** Types `minLength`/`maxLength` apply to (free text; the other text-like types have a format). */
export function hasLengthBounds(type: CustomFieldDataType): boolean {
  return type === 'text' || type === 'long_text';
}

export function hasOptions(type: CustomFieldDataType): boolean {
  return type === 'select' || type === 'multiselect';
}

/** A list of booleans says nothing a boolean does not; multiselect is a list already. */
export function canBeArray(type: CustomFieldDataType): boolean {
  return type !== 'boolean' && type !== 'multiselect';
}

/**
 * Uniqueness compares one value with one value: not for lists (arrays, multiselect), and not for
 * booleans (two records could hold a unique boolean at most).
 */
export function canBeUnique(type: CustomFieldDataType, isArray: boolean): boolean {
  return !isArray && type !== 'boolean' && type !== 'multiselect';
}

const DECIMAL = /^-?(0|[1-9]\d{0,14})(\.\d{1,4})?$/;
const DECIMAL_SCALE = 4;

/**
 * A decimal as stored: the canonical string (no exponent, no leading or trailing zeros; at most 15
 * integer digits and 4 decimals, like the graph's Decimal scalar), from a string or a JSON number.
 * Stored as a string so that no binary floating point ever rounds it. Null when it is not one.
 */
export function parseDecimal(raw: unknown): string | null {
  const text = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw;
  if (typeof text !== 'string' || !DECIMAL.test(text)) return null;
  const [integer = '0', fraction = ''] = text.split('.');
  const trimmed = fraction.replace(/0+$/, '');
  const canonical = trimmed ? `${integer}.${trimmed}` : integer;
  return canonical === '-0' ? '0' : canonical;
}

/** Most significant digits of a decimal value: every such decimal survives a trip through a double. */
export const MAX_SIGNIFICANT_DIGITS = 15;

/**
 * A decimal or currency value as stored: a JSON number, so that lists sort and compare it numerically
 * (jsonb compares numbers by value, strings by text), with at most 15 significant digits and 4
 * decimals, so that it stays exact through every JSON parser (a double holds any 15-digit decimal
 * exactly). Its canonical decimal comes with it for the bounds. Null when it is not one.
 */
export function parseDecimalValue(raw: unknown): { decimal: string; value: number } | null {
  const decimal = parseDecimal(raw);
  if (decimal === null) return null;
  const digits = decimal.replace(/^-/, '').replace('.', '').replace(/^0+/, '');
  return digits.length > MAX_SIGNIFICANT_DIGITS ? null : { decimal, value: Number(decimal) };
}

/** How many decimals a canonical decimal has. */
export function decimalPlaces(decimal: string): number {
  return decimal.split('.')[1]?.length ?? 0;
}

/** The decimal in units of 10^-4, exactly. */
function scaled(decimal: string): bigint {
  const negative = decimal.startsWith('-');
  const [integer = '0', fraction = ''] = (negative ? decimal.slice(1) : decimal).split('.');
  const units = BigInt(integer + fraction.padEnd(DECIMAL_SCALE, '0'));
  return negative ? -units : units;
}

/** Compares two canonical decimals exactly: negative, zero or positive. */
export function compareDecimals(a: string, b: string): number {
  const difference = scaled(a) - scaled(b);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

/** ISO 4217 codes the runtime knows, and how many decimals each currency's amounts have. */
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && CURRENCIES.has(code);
}

/** The currency's minor unit: 2 for EUR, 0 for JPY, 3 for BHD (capped at the 4 decimals stored). */
export function currencyDecimals(code: string): number {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
    .maximumFractionDigits;
  return Math.min(digits ?? 2, DECIMAL_SCALE);
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date as stored (`YYYY-MM-DD`, years 1–9999, a real day); null when it is not one. */
export function parseCalendarDate(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const match = CALENDAR_DATE.exec(raw);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1) return null;
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    ? raw
    : null;
}

/** The `YYYY-MM-DD` of a date at UTC midnight (what the graph's Date scalar parses to). */
export function calendarDateOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Date-times name their offset: a time without one means a different instant in every zone. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An instant as stored: ISO 8601 in UTC with milliseconds (sorts as text); null when it is not one. */
export function parseDateTime(raw: unknown): string | null {
  if (typeof raw !== 'string' || !DATE_TIME.test(raw)) return null;
  const parsed = new Date(raw);
  if (Number.isNaN(parsed.getTime())) return null;
  return isStorableInstant(parsed) ? parsed.toISOString() : null;
}

/** Years 1–9999: what PostgreSQL and every client can hold, and what sorts as ISO text. */
export function isStorableInstant(date: Date): boolean {
  const year = date.getUTCFullYear();
  return !Number.isNaN(date.getTime()) && year >= 1 && year <= 9999;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9]\d{1,14}$/;

/** An email as stored: trimmed and lower-cased; null when it is not an address. */
export function parseEmail(text: string): string | null {
  const email = text.toLowerCase();
  return EMAIL.test(email) ? email : null;
}

/** A phone number as stored: E.164 without separators; null when it is not one. */
export function parsePhone(text: string): string | null {
  const phone = text.replace(/[\s().-]/g, '');
  return E164.test(phone) ? phone : null;
}

/** An absolute http(s) URL, kept as written (trimmed); null otherwise. */
export function parseUrl(text: string): string | null {
  if (!URL.canParse(text)) return null;
  const { protocol, hostname } = new URL(text);
  return (protocol === 'http:' || protocol === 'https:') && hostname.length > 0 ? text : null;
}
