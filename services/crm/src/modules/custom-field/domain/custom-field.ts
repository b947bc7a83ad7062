/**
 * Custom field definitions (spec 000 CustomField, spec 003 CustomFieldDefinition): the organization's
 * own fields on contacts, companies, deals and interactions, their validation, and the events they
 * imply. No Prisma or GraphQL here. Events carry ids, the key, enums and changed part names: labels,
 * descriptions, options and default values stay in crm.
 */
import {
  createEvent,
  CUSTOM_FIELD_UPDATABLE_FIELDS,
  type CloudEvent,
  type EventData,
} from '@platform/events/catalog';
import { conflict, enumObject, type InputIssues, type SortKey } from '@platform/domain';
import { checkValue } from './custom-field-values';
import {
  calendarDateOf,
  canBeArray,
  canBeUnique,
  compareDecimals,
  hasLengthBounds,
  hasOptions,
  isCurrencyCode,
  isNumeric,
  isStorableInstant,
  isTextLike,
  MAX_TEXT_LENGTH,
  parseDecimal,
  type CustomFieldDataType,
  type CustomFieldEntityType,
  type CustomFieldValue,
} from './data-types';
import { checkPlanLimit } from './entitlements';
import { compilePattern, isPattern } from './pattern';

export type CustomFieldChange = (typeof CUSTOM_FIELD_UPDATABLE_FIELDS)[number];

/** What the definition list sorts by (the API's CustomFieldDefinitionOrderField). */
export const CUSTOM_FIELD_DEFINITION_ORDER_FIELDS = [
  'ENTITY_TYPE',
  'POSITION',
  'KEY',
  'LABEL',
  'CREATED_AT',
  'UPDATED_AT',
] as const;
export type CustomFieldDefinitionOrderField = (typeof CUSTOM_FIELD_DEFINITION_ORDER_FIELDS)[number];
export const CustomFieldDefinitionOrderField = enumObject(CUSTOM_FIELD_DEFINITION_ORDER_FIELDS);

/** The order a form shows an entity type's fields in: by entity type, then position, then age. */
export const DEFAULT_DEFINITION_ORDER: readonly SortKey[] = [
  { field: 'ENTITY_TYPE', direction: 'ASC' },
  { field: 'POSITION', direction: 'ASC' },
  { field: 'CREATED_AT', direction: 'ASC' },
];

/** The rules a field's values meet (spec 003's validation; spec 000's isRequired/isUnique). */
export interface CustomFieldValidation {
  /** A record must have a value (checked whenever its custom field values are written). */
  required: boolean;
  /** No two live records of the entity type share a value (exact equality, after normalisation). */
  unique: boolean;
  /** Number, decimal and currency fields: the least and greatest value, as canonical decimals. */
  min: string | null;
  max: string | null;
  /** Date fields: the earliest and latest date (`YYYY-MM-DD`). */
  minDate: string | null;
  maxDate: string | null;
  /** Datetime fields: the earliest and latest instant (ISO 8601, UTC). */
  minDateTime: string | null;
  maxDateTime: string | null;
  /** Text and long text fields: the fewest and most characters. */
  minLength: number | null;
  maxLength: number | null;
  /** Text-like fields: an RE2 pattern the whole value matches. */
  regex: string | null;
}

export const NO_VALIDATION: CustomFieldValidation = Object.freeze({
  required: false,
  unique: false,
  min: null,
  max: null,
  minDate: null,
  maxDate: null,
  minDateTime: null,
  maxDateTime: null,
  minLength: null,
  maxLength: null,
  regex: null,
});

/** A choice of a select or multiselect field: `value` is stored, `label` shown. */
export interface CustomFieldOption {
  value: string;
  label: string;
}

export interface CustomFieldDefinition {
  id: string;
  organizationId: string;
  entityType: CustomFieldEntityType;
  /** The key of its values in records' custom field values; never changes. */
  key: string;
  label: string;
  description: string | null;
  /** Never changes: stored values keep their type. */
  dataType: CustomFieldDataType;
  /** Values are lists of values of the data type; never changes. */
  isArray: boolean;
  /** Currency fields' ISO 4217 code; never changes. */
  currencyCode: string | null;
  validation: CustomFieldValidation;
  /** Select and multiselect fields' choices, in order. */
  options: CustomFieldOption[];
  /** What records created without a value get; valid under the definition. */
  defaultValue: CustomFieldValue | null;
  /** Its place among the entity type's fields (lower first; ties by creation). */
  position: number;
  createdBy: string;
  updatedBy: string;
  createdAt: Date;
  updatedAt: Date;
  /** Archived (soft-deleted) when set: its values stay in records, hidden and unchecked. */
  archivedAt: Date | null;
  archivedBy: string | null;
}

/** A new definition before the storing transaction places it (no position yet when none was asked). */
export type CustomFieldDraft = Omit<CustomFieldDefinition, 'position'> & { position: number | null };

export interface CustomFieldValidationInput {
  required?: boolean | null;
  unique?: boolean | null;
  min?: string | null;
  max?: string | null;
  /** Dates at UTC midnight (what the graph's Date scalar parses to). */
  minDate?: Date | null;
  maxDate?: Date | null;
  minDateTime?: Date | null;
  maxDateTime?: Date | null;
  minLength?: number | null;
  maxLength?: number | null;
  regex?: string | null;
}

export interface CustomFieldOptionInput {
  value: string;
  label: string;
}

export interface CreateCustomFieldDefinitionInput {
  entityType: CustomFieldEntityType;
  key: string;
  label: string;
  description?: string | null;
  dataType: CustomFieldDataType;
  isArray?: boolean | null;
  currencyCode?: string | null;
  validation?: CustomFieldValidationInput | null;
  options?: readonly CustomFieldOptionInput[] | null;
  defaultValue?: unknown;
  position?: number | null;
}

/** What `updateCustomFieldDefinition` changes: a part left undefined stays; null clears or resets it. */
export interface UpdateCustomFieldDefinitionInput {
  label?: string | null;
  description?: string | null;
  /** The whole rule set (replaces it); null removes every rule. */
  validation?: CustomFieldValidationInput | null;
  /** The whole list of choices (replaces it). */
  options?: readonly CustomFieldOptionInput[] | null;
  /** null removes the default value. */
  defaultValue?: unknown;
  position?: number | null;
}

export type CustomFieldCreated = CloudEvent<
  'crm.custom_field.created.v1',
  EventData<'crm.custom_field.created.v1'>
>;
export type CustomFieldUpdated = CloudEvent<
  'crm.custom_field.updated.v1',
  EventData<'crm.custom_field.updated.v1'>
>;
export type CustomFieldArchived = CloudEvent<
  'crm.custom_field.archived.v1',
  EventData<'crm.custom_field.archived.v1'>
>;
export type CustomFieldRestored = CloudEvent<
  'crm.custom_field.restored.v1',
  EventData<'crm.custom_field.restored.v1'>
>;
export type CustomFieldEvent =
  CustomFieldCreated | CustomFieldUpdated | CustomFieldArchived | CustomFieldRestored;

export const EVENT_SOURCE = '/services/crm';
export const KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
export const MAX_LABEL_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 2_000;
export const MAX_OPTIONS = 500;
export const MAX_OPTION_VALUE_LENGTH = 100;
export const MAX_POSITION = 1_000_000;

const DATA_TYPE_NAMES: Record<CustomFieldDataType, string> = {
  text: 'text',
  long_text: 'long text',
  number: 'number',
  decimal: 'decimal',
  currency: 'currency',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
  select: 'select',
  multiselect: 'multiselect',
  email: 'email',
  phone: 'phone',
  url: 'url',
};

/** Trimmed text of 1–max characters. */
function checkText(issues: InputIssues, path: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length < 1 || trimmed.length > max)
    issues.add(path, `must be 1–${max.toLocaleString('en')} characters`);
  return trimmed;
}

/** An empty description is no description. */
function checkDescription(issues: InputIssues, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed.length > MAX_DESCRIPTION_LENGTH)
    issues.add('description', `must be at most ${MAX_DESCRIPTION_LENGTH.toLocaleString('en')} characters`);
  return trimmed.length === 0 ? null : trimmed;
}

function checkPosition(issues: InputIssues, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_POSITION)
    issues.add('position', `must be a whole number from 0 to ${MAX_POSITION.toLocaleString('en')}`);
  return value;
}

/** A field's value shape: what its stored values look like (and why dataType, isArray and currency never change). */
type ValueShape = Pick<CustomFieldDefinition, 'dataType' | 'isArray' | 'currencyCode'>;

function sameShape(a: ValueShape, b: ValueShape): boolean {
  return a.dataType === b.dataType && a.isArray === b.isArray && a.currencyCode === b.currencyCode;
}

/** A bound that applies to some types only: the issue when it is set on another. */
function applies(issues: InputIssues, path: string, given: boolean, fits: boolean, types: string): boolean {
  if (given && !fits) issues.add(path, `applies to ${types} fields only`);
  return given && fits;
}

const given = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;

/** A pair of bounds in order, else an issue on the upper one. */
function ordered(
  issues: InputIssues,
  path: string,
  low: string | null,
  high: string | null,
  compare: (a: string, b: string) => number,
): void {
  if (low !== null && high !== null && compare(low, high) > 0)
    issues.add(path, 'must not be less than the minimum');
}

function boundDate(issues: InputIssues, path: string, value: Date): string | null {
  if (!isStorableInstant(value)) {
    issues.add(path, 'must be in the years 1–9999');
    return null;
  }
  return value.toISOString();
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The rule set a field of this shape may have: every rule given must apply to the type, bounds must be
 * well-formed and in order, lengths within the type's platform maximum, the pattern valid RE2.
 */
export function checkValidation(
  shape: ValueShape,
  input: CustomFieldValidationInput | null | undefined,
  issues: InputIssues,
): CustomFieldValidation {
  const rules = input ?? {};
  const { dataType, isArray } = shape;
  const validation: CustomFieldValidation = {
    ...NO_VALIDATION,
    required: rules.required ?? false,
    unique: rules.unique ?? false,
  };
  if (validation.unique && !canBeUnique(dataType, isArray))
    issues.add('validation.unique', 'does not apply to boolean, multiselect or array fields');

  const numeric = isNumeric(dataType);
  for (const bound of ['min', 'max'] as const) {
    const value = rules[bound];
    if (!applies(issues, `validation.${bound}`, given(value), numeric, 'number, decimal and currency'))
      continue;
    const decimal = parseDecimal(value);
    if (decimal === null) issues.add(`validation.${bound}`, 'must be a decimal number');
    validation[bound] = decimal;
  }
  ordered(issues, 'validation.max', validation.min, validation.max, compareDecimals);

  for (const bound of ['minDate', 'maxDate'] as const) {
    const value = rules[bound];
    if (!applies(issues, `validation.${bound}`, given(value), dataType === 'date', 'date') || !value)
      continue;
    validation[bound] =
      boundDate(issues, `validation.${bound}`, value) === null ? null : calendarDateOf(value);
  }
  ordered(issues, 'validation.maxDate', validation.minDate, validation.maxDate, compareText);

  for (const bound of ['minDateTime', 'maxDateTime'] as const) {
    const value = rules[bound];
    if (!applies(issues, `validation.${bound}`, given(value), dataType === 'datetime', 'datetime') || !value)
      continue;
    validation[bound] = boundDate(issues, `validation.${bound}`, value);
  }
  ordered(issues, 'validation.maxDateTime', validation.minDateTime, validation.maxDateTime, compareText);

  const lengths = hasLengthBounds(dataType);
  const longest = isTextLike(dataType) ? MAX_TEXT_LENGTH[dataType] : 0;
  for (const bound of ['minLength', 'maxLength'] as const) {
    const value = rules[bound];
    if (!applies(issues, `validation.${bound}`, given(value), lengths, 'text and long text') || !given(value))
      continue;
    const least = bound === 'minLength' ? 0 : 1;
    if (!Number.isInteger(value) || value < least || value > longest)
      issues.add(
        `validation.${bound}`,
        `must be a whole number from ${least} to ${longest.toLocaleString('en')}`,
      );
    else validation[bound] = value;
  }
  if (
    validation.minLength !== null &&
    validation.maxLength !== null &&
    validation.minLength > validation.maxLength
  )
    issues.add('validation.maxLength', 'must not be less than the minimum');

  const regex = rules.regex;
  const textTypes = 'text, long text, email, phone and url';
  if (applies(issues, 'validation.regex', given(regex), isTextLike(dataType), textTypes) && given(regex)) {
    const pattern = regex.length === 0 ? { error: 'must not be empty' } : compilePattern(regex);
    if (isPattern(pattern)) validation.regex = regex;
    else issues.add('validation.regex', pattern.error);
  }
  return validation;
}

/** Select and multiselect fields' choices: 1–500, values unique, both trimmed and non-empty. */
export function checkOptions(
  dataType: CustomFieldDataType,
  input: readonly CustomFieldOptionInput[] | null | undefined,
  issues: InputIssues,
): CustomFieldOption[] {
  const list = input ?? [];
  if (!hasOptions(dataType)) {
    if (list.length > 0) issues.add('options', 'apply to select and multiselect fields only');
    return [];
  }
  if (list.length < 1 || list.length > MAX_OPTIONS) {
    issues.add('options', `must have 1–${MAX_OPTIONS} options`);
    return [];
  }
  const seen = new Set<string>();
  return list.map((option, index) => {
    const value = checkText(issues, `options.${index}.value`, option.value, MAX_OPTION_VALUE_LENGTH);
    const label = checkText(issues, `options.${index}.label`, option.label, MAX_LABEL_LENGTH);
    if (seen.has(value)) issues.add(`options.${index}.value`, 'repeats an earlier option');
    seen.add(value);
    return { value, label };
  });
}

/**
 * A default value, checked like any value of the field: null when none. Unique fields have none: every
 * record created without a value would get the same one.
 */
export function checkDefaultValue(
  rules: Pick<CustomFieldDefinition, 'dataType' | 'isArray' | 'currencyCode' | 'validation' | 'options'>,
  raw: unknown,
  issues: InputIssues,
): CustomFieldValue | null {
  if (raw === null || raw === undefined) return null;
  if (rules.validation.unique) {
    issues.add('defaultValue', 'cannot be set on a unique field (every new record would get the same value)');
    return null;
  }
  return checkValue(rules, raw, 'defaultValue', issues) ?? null;
}

/**
 * A new definition, not placed yet: every problem of the input added to `issues` (the caller throws
 * them all at once). `createDefinition` places it once the storing transaction knows the organization's
 * fields and plan.
 */
export function draftDefinition(
  ids: { id: string; organizationId: string; createdBy: string },
  input: CreateCustomFieldDefinitionInput,
  now: Date,
  issues: InputIssues,
): CustomFieldDraft {
  if (!KEY_PATTERN.test(input.key))
    issues.add(
      'key',
      'must start with a lower-case letter and hold only lower-case letters, digits and underscores (at most 63 characters)',
    );
  const label = checkText(issues, 'label', input.label, MAX_LABEL_LENGTH);
  const description = checkDescription(issues, input.description);
  const dataType = input.dataType;
  const isArray = input.isArray ?? false;
  if (isArray && !canBeArray(dataType))
    issues.add('isArray', 'does not apply to boolean and multiselect fields');
  let currencyCode: string | null = null;
  if (dataType === 'currency') {
    const code = input.currencyCode?.trim().toUpperCase() ?? '';
    if (!isCurrencyCode(code)) issues.add('currencyCode', 'must be an ISO 4217 currency code, e.g. EUR');
    else currencyCode = code;
  } else if (given(input.currencyCode)) {
    issues.add('currencyCode', 'applies to currency fields only');
  }
  const shape = { dataType, isArray: isArray && canBeArray(dataType), currencyCode };
  const validation = checkValidation(shape, input.validation, issues);
  const options = checkOptions(dataType, input.options, issues);
  const defaultValue = checkDefaultValue({ ...shape, validation, options }, input.defaultValue, issues);
  const position = given(input.position) ? checkPosition(issues, input.position) : null;
  return {
    id: ids.id,
    organizationId: ids.organizationId,
    entityType: input.entityType,
    key: input.key,
    label,
    description,
    ...shape,
    validation,
    options,
    defaultValue,
    position,
    createdBy: ids.createdBy,
    updatedBy: ids.createdBy,
    createdAt: now,
    updatedAt: now,
    archivedAt: null,
    archivedBy: null,
  };
}

/** What the storing transaction knows when a definition is created (under the organization's lock). */
export interface CreationFacts {
  /** The plan's most live definitions (null = unlimited). */
  limit: number | null;
  /** The organization's live definitions, all entity types. */
  liveCount: number;
  /** The organization's definitions of the draft's entity type with its key, live or archived. */
  sameKey: readonly CustomFieldDefinition[];
  /** Where a field goes without a position asked: after the entity type's last live field. */
  nextPosition: number;
}

/** A live field of the entity type has the key: CONFLICT. */
function keyTaken(definition: Pick<CustomFieldDefinition, 'entityType' | 'key'>) {
  return conflict(`A custom field of ${definition.entityType} records has the key ${definition.key}`, {
    field: 'key',
    key: definition.key,
  });
}

/**
 * The drafted definition placed and stored: refused with CONFLICT when a live field of its entity type
 * has its key, or an archived one had it with another value shape (records still hold that field's
 * values under the key, and would read as the new field's); PLAN_LIMIT_REACHED when the plan allows no
 * more live fields.
 */
export function createDefinition(
  draft: CustomFieldDraft,
  facts: CreationFacts,
): { definition: CustomFieldDefinition; events: [CustomFieldCreated] } {
  if (facts.sameKey.some((other) => other.archivedAt === null)) throw keyTaken(draft);
  const earlier = facts.sameKey.find((other) => !sameShape(other, draft));
  if (earlier) {
    throw conflict(
      `An archived custom field had the key ${draft.key} with other values (${DATA_TYPE_NAMES[earlier.dataType]}` +
        `${earlier.isArray ? ' list' : ''}); records keep them: restore it, or choose another key`,
      { field: 'key', key: draft.key, definitionId: earlier.id },
    );
  }
  checkPlanLimit('customFields', facts.limit, facts.liveCount);
  const definition: CustomFieldDefinition = { ...draft, position: draft.position ?? facts.nextPosition };
  return {
    definition,
    events: [
      createEvent('crm.custom_field.created.v1', {
        source: EVENT_SOURCE,
        subject: definition.id,
        tenantId: definition.organizationId,
        time: definition.createdAt,
        data: {
          ...identityOf(definition),
          dataType: definition.dataType,
          isArray: definition.isArray,
          required: definition.validation.required,
          unique: definition.validation.unique,
          position: definition.position,
          createdBy: definition.createdBy,
          createdAt: definition.createdAt.toISOString(),
        },
      }),
    ],
  };
}

function identityOf(definition: CustomFieldDefinition) {
  return {
    definitionId: definition.id,
    organizationId: definition.organizationId,
    entityType: definition.entityType,
    key: definition.key,
  };
}

function archivedConflict(definition: CustomFieldDefinition) {
  return conflict('The custom field is archived; restore it first', { id: definition.id });
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The definition with the changes applied, and crm.custom_field.updated.v1 naming the parts that
 * really changed (none: no event, the definition as it was). The key, entity type, data type, array-
 * ness and currency never change. The default value is checked against the rules as they will be, so
 * a change that would leave it invalid names it. Stored values are not rewritten: a record whose value
 * the new rules refuse is refused at its next write of custom fields (and shown as stored until then).
 * `becameUnique` says the storing transaction must check that no two live records share a value.
 */
export function updateDefinition(
  current: CustomFieldDefinition,
  input: UpdateCustomFieldDefinitionInput,
  updatedBy: string,
  now: Date,
  issues: InputIssues,
): { definition: CustomFieldDefinition; events: CustomFieldUpdated[]; becameUnique: boolean } {
  if (current.archivedAt !== null) throw archivedConflict(current);
  const next: CustomFieldDefinition = { ...current };
  if (input.label !== undefined) {
    if (input.label === null) issues.add('label', 'cannot be cleared');
    else next.label = checkText(issues, 'label', input.label, MAX_LABEL_LENGTH);
  }
  if (input.description !== undefined) next.description = checkDescription(issues, input.description);
  if (input.validation !== undefined) next.validation = checkValidation(current, input.validation, issues);
  if (input.options !== undefined) next.options = checkOptions(current.dataType, input.options, issues);
  if (input.position !== undefined) {
    if (input.position === null) issues.add('position', 'cannot be cleared');
    else next.position = checkPosition(issues, input.position);
  }
  next.defaultValue = checkDefaultValue(
    next,
    input.defaultValue === undefined ? current.defaultValue : input.defaultValue,
    issues,
  );
  const changedFields = CUSTOM_FIELD_UPDATABLE_FIELDS.filter(
    (field) => !sameJson(next[field], current[field]),
  );
  const becameUnique = next.validation.unique && !current.validation.unique;
  if (changedFields.length === 0) return { definition: current, events: [], becameUnique: false };
  const definition: CustomFieldDefinition = { ...next, updatedBy, updatedAt: now };
  return {
    definition,
    becameUnique,
    events: [
      createEvent('crm.custom_field.updated.v1', {
        source: EVENT_SOURCE,
        subject: definition.id,
        tenantId: definition.organizationId,
        time: now,
        data: {
          ...identityOf(definition),
          changedFields,
          updatedBy,
          updatedAt: now.toISOString(),
        },
      }),
    ],
  };
}

/**
 * Archives (soft-deletes) a live field. Records keep its values: hidden, never checked, carried over by
 * writes, back when it is restored. Its key is free for a new field of the same value shape. CONFLICT
 * when it is archived already.
 */
export function archiveDefinition(
  current: CustomFieldDefinition,
  by: string,
  now: Date,
): { definition: CustomFieldDefinition; events: [CustomFieldArchived] } {
  if (current.archivedAt !== null) throw conflict('The custom field is archived already', { id: current.id });
  const definition: CustomFieldDefinition = {
    ...current,
    archivedAt: now,
    archivedBy: by,
    updatedBy: by,
    updatedAt: now,
  };
  return {
    definition,
    events: [
      createEvent('crm.custom_field.archived.v1', {
        source: EVENT_SOURCE,
        subject: definition.id,
        tenantId: definition.organizationId,
        time: now,
        data: { ...identityOf(definition), archivedBy: by, archivedAt: now.toISOString() },
      }),
    ],
  };
}

/** What the storing transaction knows when a definition is restored (under the organization's lock). */
export interface RestoreFacts {
  limit: number | null;
  liveCount: number;
  /** Whether a live field of its entity type has its key now. */
  keyTaken: boolean;
}

/**
 * Restores an archived field, with the values records kept. CONFLICT when it is live, or a live field of
 * its entity type has taken its key meanwhile; PLAN_LIMIT_REACHED when the plan allows no more live
 * fields (it counts again once restored).
 */
export function restoreDefinition(
  current: CustomFieldDefinition,
  facts: RestoreFacts,
  by: string,
  now: Date,
): { definition: CustomFieldDefinition; events: [CustomFieldRestored] } {
  if (current.archivedAt === null) throw conflict('The custom field is not archived', { id: current.id });
  if (facts.keyTaken) throw keyTaken(current);
  checkPlanLimit('customFields', facts.limit, facts.liveCount);
  const definition: CustomFieldDefinition = {
    ...current,
    archivedAt: null,
    archivedBy: null,
    updatedBy: by,
    updatedAt: now,
  };
  return {
    definition,
    events: [
      createEvent('crm.custom_field.restored.v1', {
        source: EVENT_SOURCE,
        subject: definition.id,
        tenantId: definition.organizationId,
        time: now,
        data: { ...identityOf(definition), restoredBy: by, restoredAt: now.toISOString() },
      }),
    ],
  };
}

/** CONFLICT when making a field unique finds records that share a value already. */
export function duplicateValues(definition: CustomFieldDefinition) {
  return conflict(
    `Records of type ${definition.entityType} share values of ${definition.key} already; make them distinct first`,
    { field: 'validation.unique', key: definition.key },
  );
}
