/**
 * Custom field values checked against their definitions: what every write of a contact, company, deal
 * or interaction runs its `customFields` through. Pure: the definitions come in, the normalised values
 * (or every problem, by path `customFields.<key>`) go out. Uniqueness needs the other records and is
 * checked by the storing transaction (infra/custom-field-values.ts). No Prisma or GraphQL here.
 */
import type { InputIssues } from '@platform/domain';
import type { CustomFieldDefinition } from './custom-field';
import {
  compareDecimals,
  currencyDecimals,
  decimalPlaces,
  isTextLike,
  MAX_ARRAY_ITEMS,
  MAX_TEXT_LENGTH,
  parseCalendarDate,
  parseDateTime,
  parseDecimalValue,
  parseEmail,
  parsePhone,
  parseUrl,
  type CustomFieldEntityType,
  type CustomFieldScalar,
  type CustomFieldValue,
  type CustomFieldValues,
} from './data-types';
import { compilePattern, isPattern } from './pattern';

/** What a value is checked against: the parts of a definition that say what it may hold. */
export type ValueRules = Pick<
  CustomFieldDefinition,
  'dataType' | 'isArray' | 'currencyCode' | 'validation' | 'options'
>;

/** A checked value: the value as stored, null for none, or `undefined` when it is invalid (issues added). */
type Checked<T> = T | null | undefined;

const TEXT_FORMATS = {
  email: { parse: parseEmail, message: 'must be an email address' },
  phone: { parse: parsePhone, message: 'must be a phone number in E.164 format, e.g. +15551234567' },
  url: { parse: parseUrl, message: 'must be an absolute http or https URL' },
} as const;

function checkText(rules: ValueRules, raw: unknown, path: string, issues: InputIssues): Checked<string> {
  const type = rules.dataType;
  if (!isTextLike(type)) return undefined;
  if (typeof raw !== 'string') {
    issues.add(path, 'must be a string');
    return undefined;
  }
  const text = raw.trim();
  if (text.length === 0) return null;
  let value = text;
  if (type === 'email' || type === 'phone' || type === 'url') {
    const format = TEXT_FORMATS[type];
    const parsed = format.parse(text);
    if (parsed === null) {
      issues.add(path, format.message);
      return undefined;
    }
    value = parsed;
  }
  const { minLength, maxLength, regex } = rules.validation;
  const longest = Math.min(maxLength ?? MAX_TEXT_LENGTH[type], MAX_TEXT_LENGTH[type]);
  const before = issues.list.length;
  if (value.length > longest) issues.add(path, `must be at most ${longest.toLocaleString('en')} characters`);
  if (minLength !== null && value.length < minLength)
    issues.add(path, `must be at least ${minLength.toLocaleString('en')} characters`);
  if (regex !== null) {
    const pattern = compilePattern(regex);
    // A definition's pattern was checked when it was stored; one that no longer compiles checks nothing.
    if (isPattern(pattern) && !pattern.matches(value)) issues.add(path, `must match the pattern ${regex}`);
  }
  return issues.list.length === before ? value : undefined;
}

/** Within `min`/`max` (canonical decimals): the issues name the bound that is crossed. */
function checkBounds(
  value: string,
  compare: (a: string, b: string) => number,
  bounds: { min: string | null; max: string | null },
  path: string,
  issues: InputIssues,
): boolean {
  if (bounds.min !== null && compare(value, bounds.min) < 0) {
    issues.add(path, `must be at least ${bounds.min}`);
    return false;
  }
  if (bounds.max !== null && compare(value, bounds.max) > 0) {
    issues.add(path, `must be at most ${bounds.max}`);
    return false;
  }
  return true;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function checkScalar(
  rules: ValueRules,
  raw: unknown,
  path: string,
  issues: InputIssues,
): Checked<CustomFieldScalar> {
  const { validation } = rules;
  const numericBounds = { min: validation.min, max: validation.max };
  switch (rules.dataType) {
    case 'text':
    case 'long_text':
    case 'email':
    case 'phone':
    case 'url':
      return checkText(rules, raw, path, issues);
    case 'number': {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) {
        issues.add(path, 'must be a number');
        return undefined;
      }
      const compareNumbers = (a: string, b: string) => Number(a) - Number(b);
      return checkBounds(String(raw), compareNumbers, numericBounds, path, issues) ? raw : undefined;
    }
    case 'decimal':
    case 'currency': {
      const parsed = parseDecimalValue(raw);
      if (parsed === null) {
        issues.add(path, 'must be a decimal number with at most 15 significant digits and 4 decimals');
        return undefined;
      }
      const code = rules.currencyCode;
      if (
        rules.dataType === 'currency' &&
        code !== null &&
        decimalPlaces(parsed.decimal) > currencyDecimals(code)
      ) {
        issues.add(path, `must have at most ${currencyDecimals(code)} decimals (${code})`);
        return undefined;
      }
      return checkBounds(parsed.decimal, compareDecimals, numericBounds, path, issues)
        ? parsed.value
        : undefined;
    }
    case 'boolean':
      if (typeof raw !== 'boolean') {
        issues.add(path, 'must be true or false');
        return undefined;
      }
      return raw;
    case 'date': {
      const date = parseCalendarDate(raw);
      if (date === null) {
        issues.add(path, 'must be a calendar date (YYYY-MM-DD) in the years 1–9999');
        return undefined;
      }
      const bounds = { min: validation.minDate, max: validation.maxDate };
      return checkBounds(date, compareText, bounds, path, issues) ? date : undefined;
    }
    case 'datetime': {
      const instant = parseDateTime(raw);
      if (instant === null) {
        issues.add(path, 'must be an ISO 8601 date-time with its offset (e.g. 2026-12-01T09:30:00Z)');
        return undefined;
      }
      const bounds = { min: validation.minDateTime, max: validation.maxDateTime };
      return checkBounds(instant, compareText, bounds, path, issues) ? instant : undefined;
    }
    case 'select':
    case 'multiselect': {
      if (typeof raw !== 'string') {
        issues.add(path, 'must be a string');
        return undefined;
      }
      const choice = raw.trim();
      if (choice.length === 0) return null;
      if (!rules.options.some((option) => option.value === choice)) {
        issues.add(
          path,
          `must be one of the options: ${rules.options.map((option) => option.value).join(', ')}`,
        );
        return undefined;
      }
      return choice;
    }
  }
}

/** A list value (array fields, multiselect): every item checked; an empty list is no value. */
function checkList(
  rules: ValueRules,
  raw: unknown,
  path: string,
  issues: InputIssues,
): Checked<CustomFieldScalar[]> {
  if (!Array.isArray(raw)) {
    issues.add(path, 'must be a list');
    return undefined;
  }
  if (raw.length > MAX_ARRAY_ITEMS) {
    issues.add(path, `must have at most ${MAX_ARRAY_ITEMS} items`);
    return undefined;
  }
  const items: CustomFieldScalar[] = [];
  let valid = true;
  raw.forEach((item: unknown, index) => {
    const checked = item === null ? null : checkScalar(rules, item, `${path}.${index}`, issues);
    if (checked === null) issues.add(`${path}.${index}`, 'must not be empty');
    if (checked === null || checked === undefined) valid = false;
    else items.push(checked);
  });
  if (!valid) return undefined;
  if (rules.dataType === 'multiselect' && new Set(items).size !== items.length) {
    issues.add(path, 'must not name an option twice');
    return undefined;
  }
  return items.length === 0 ? null : items;
}

/**
 * One value checked against its definition's rules (not `required`, which is about the record, nor
 * `unique`, which needs the other records): the value as stored, null for no value (null, an empty
 * text, an empty list), or `undefined` when invalid, with the issues added under `path`.
 */
export function checkValue(
  rules: ValueRules,
  raw: unknown,
  path: string,
  issues: InputIssues,
): Checked<CustomFieldValue> {
  if (raw === null || raw === undefined) return null;
  if (rules.isArray || rules.dataType === 'multiselect') return checkList(rules, raw, path, issues);
  if (Array.isArray(raw)) {
    issues.add(path, 'must be a single value, not a list');
    return undefined;
  }
  return checkScalar(rules, raw, path, issues);
}

export interface ValueCheckOptions {
  /** Creating the record: the definitions' default values fill the fields it was given no value for. */
  creating: boolean;
  /** The record's stored values (updates): archived fields' values are carried over from them. */
  stored?: CustomFieldValues | null;
  /** Where the values sit in the input (default `customFields`). */
  path?: string;
}

/**
 * A record's custom field values, checked against the definitions of its entity type (live and
 * archived): every issue at once, by path `customFields.<key>`, and the values as stored.
 *
 * - A key that names no live definition is refused (an archived field's key too: it cannot be written
 *   until the field is restored).
 * - Each value is checked and normalised (`checkValue`); null, an empty text or an empty list is no value.
 * - Creating, a field given no value gets its default value; `required` fields must then have a value.
 * - Archived fields' stored values are carried over as they are, so restoring a field brings them back.
 * - Values are replaced as a whole: a live field missing from `input` has no value afterwards.
 */
export function checkCustomFieldValues(
  entityType: CustomFieldEntityType,
  definitions: readonly CustomFieldDefinition[],
  input: CustomFieldValues,
  options: ValueCheckOptions,
  issues: InputIssues,
): CustomFieldValues {
  const base = options.path ?? 'customFields';
  const live = new Map(
    definitions.filter((definition) => definition.archivedAt === null).map((field) => [field.key, field]),
  );
  const archived = new Set(
    definitions
      .filter((field) => field.archivedAt !== null && !live.has(field.key))
      .map((field) => field.key),
  );
  for (const key of Object.keys(input)) {
    if (live.has(key)) continue;
    if (archived.has(key)) issues.add(`${base}.${key}`, 'is an archived custom field', 'archived');
    else issues.add(`${base}.${key}`, `is not a custom field of ${entityType} records`, 'unknown');
  }
  const values: CustomFieldValues = {};
  for (const field of live.values()) {
    const path = `${base}.${field.key}`;
    const given = Object.hasOwn(input, field.key);
    const checked = given ? checkValue(field, input[field.key], path, issues) : null;
    const value = !given && options.creating ? field.defaultValue : checked;
    if (value === undefined) continue;
    if (value === null) {
      if (field.validation.required) issues.add(path, 'is required', 'required');
      continue;
    }
    values[field.key] = value;
  }
  const stored = options.stored ?? {};
  for (const key of archived) if (Object.hasOwn(stored, key)) values[key] = stored[key];
  return values;
}

/**
 * The values a record shows: those of live fields only (archived fields' values stay stored, hidden).
 * Values stored under keys no definition has (written before definitions existed) show as they are.
 */
export function visibleCustomFieldValues(
  definitions: readonly CustomFieldDefinition[],
  stored: CustomFieldValues,
): CustomFieldValues {
  const live = new Set(definitions.filter((field) => field.archivedAt === null).map((field) => field.key));
  const hidden = new Set(
    definitions
      .filter((field) => field.archivedAt !== null && !live.has(field.key))
      .map((field) => field.key),
  );
  return Object.fromEntries(Object.entries(stored).filter(([key]) => !hidden.has(key)));
}
