import { z } from 'zod';
import { Prisma } from '../../../generated/prisma/client';
import {
  NO_VALIDATION,
  type CustomFieldDefinition,
  type CustomFieldOption,
  type CustomFieldValidation,
} from '../domain/custom-field';
import type { CustomFieldValue } from '../domain/data-types';

/**
 * The JSON parts of a definition row, read back. They are written only by the definition operations,
 * so a part that does not parse (a row written by hand) reads as the empty rule set / list / none
 * rather than failing every record write of its entity type.
 */
const validationSchema = z.object({
  required: z.boolean().catch(false),
  unique: z.boolean().catch(false),
  min: z.string().nullable().catch(null),
  max: z.string().nullable().catch(null),
  minDate: z.string().nullable().catch(null),
  maxDate: z.string().nullable().catch(null),
  minDateTime: z.string().nullable().catch(null),
  maxDateTime: z.string().nullable().catch(null),
  minLength: z.number().int().nullable().catch(null),
  maxLength: z.number().int().nullable().catch(null),
  regex: z.string().nullable().catch(null),
});
const optionsSchema = z.array(z.object({ value: z.string(), label: z.string() }));
const scalarSchema = z.union([z.string(), z.number(), z.boolean()]);
const valueSchema = z.union([scalarSchema, z.array(scalarSchema)]);

export function validationOf(json: Prisma.JsonValue): CustomFieldValidation {
  const parsed = validationSchema.safeParse({ ...NO_VALIDATION, ...(isObject(json) ? json : {}) });
  return parsed.success ? parsed.data : NO_VALIDATION;
}

export function optionsOf(json: Prisma.JsonValue): CustomFieldOption[] {
  const parsed = optionsSchema.safeParse(json);
  return parsed.success ? parsed.data : [];
}

export function defaultValueOf(json: Prisma.JsonValue | null): CustomFieldValue | null {
  const parsed = valueSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

function isObject(json: Prisma.JsonValue): json is Prisma.JsonObject {
  return typeof json === 'object' && json !== null && !Array.isArray(json);
}

type DefinitionRow = Prisma.CustomFieldDefinitionGetPayload<object>;

export const toDefinition = (row: DefinitionRow): CustomFieldDefinition => ({
  id: row.id,
  organizationId: row.organizationId,
  entityType: row.entityType,
  key: row.key,
  label: row.label,
  description: row.description,
  dataType: row.dataType,
  isArray: row.isArray,
  currencyCode: row.currencyCode,
  validation: validationOf(row.validation),
  options: optionsOf(row.options),
  defaultValue: defaultValueOf(row.defaultValue),
  position: row.position,
  createdBy: row.createdBy,
  updatedBy: row.updatedBy,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  archivedAt: row.archivedAt,
  archivedBy: row.archivedBy,
});

/** A definition row as PostgreSQL names its columns (what raw, locking reads return). */
export interface DefinitionColumns {
  id: string;
  organization_id: string;
  entity_type: DefinitionRow['entityType'];
  key: string;
  label: string;
  description: string | null;
  data_type: DefinitionRow['dataType'];
  is_array: boolean;
  currency_code: string | null;
  validation: Prisma.JsonValue;
  options: Prisma.JsonValue;
  default_value: Prisma.JsonValue | null;
  position: number;
  created_by: string;
  updated_by: string;
  created_at: Date;
  updated_at: Date;
  archived_at: Date | null;
  archived_by: string | null;
}

export const fromColumns = (row: DefinitionColumns): CustomFieldDefinition =>
  toDefinition({
    id: row.id,
    organizationId: row.organization_id,
    entityType: row.entity_type,
    key: row.key,
    label: row.label,
    description: row.description,
    dataType: row.data_type,
    isArray: row.is_array,
    currencyCode: row.currency_code,
    validation: row.validation,
    options: row.options,
    defaultValue: row.default_value,
    position: row.position,
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    archivedAt: row.archived_at,
    archivedBy: row.archived_by,
  });

/** The stored form of a definition's changeable columns. */
export function definitionData(definition: CustomFieldDefinition) {
  return {
    label: definition.label,
    description: definition.description,
    validation: { ...definition.validation },
    options: definition.options.map((option) => ({ value: option.value, label: option.label })),
    defaultValue: definition.defaultValue ?? Prisma.DbNull,
    position: definition.position,
    updatedBy: definition.updatedBy,
    updatedAt: definition.updatedAt,
    archivedAt: definition.archivedAt,
    archivedBy: definition.archivedBy,
  };
}
