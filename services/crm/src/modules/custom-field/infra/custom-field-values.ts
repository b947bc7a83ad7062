import { InputIssues } from '@platform/domain';
import type { TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { CustomFieldDefinition } from '../domain/custom-field';
import { checkCustomFieldValues, visibleCustomFieldValues } from '../domain/custom-field-values';
import type { CustomFieldEntityType, CustomFieldValues } from '../domain/data-types';
import { fromColumns, type DefinitionColumns } from './definition-rows';

type Transaction = Prisma.TransactionClient;

/**
 * Where each entity type's records live: the table (with `organization_id`, `id` and a jsonb
 * `custom_fields`) and the condition its live rows meet. Uniqueness is among live records.
 */
export const ENTITY_TABLES: Readonly<Record<CustomFieldEntityType, { table: string; live: string }>> = {
  contact: { table: 'contacts', live: 'deleted_at IS NULL' },
  company: { table: 'companies', live: 'deleted_at IS NULL' },
  deal: { table: 'deals', live: 'deleted_at IS NULL' },
  interaction: { table: 'interactions', live: 'deleted_at IS NULL' },
};

/**
 * The organization's definitions of an entity type (live and archived), read in `tx`. With `lock`, each
 * row is held FOR KEY SHARE until the transaction ends: a record write that checks its values against
 * the definitions keeps them from changing meanwhile (a change, archive or restore takes the row FOR
 * UPDATE and waits), and a change made first is what the write reads. So a field cannot become unique,
 * or be archived, between a record's check and its commit.
 */
export async function definitionsFor(
  tx: Transaction,
  organizationId: string,
  entityType: CustomFieldEntityType,
  options: { lock: boolean } = { lock: false },
): Promise<CustomFieldDefinition[]> {
  const rows = await tx.$queryRawUnsafe<DefinitionColumns[]>(
    `SELECT * FROM custom_field_definitions
     WHERE organization_id = $1::uuid AND entity_type = $2::"CustomFieldEntityType"
     ORDER BY position, created_at, id${options.lock ? ' FOR KEY SHARE' : ''}`,
    organizationId,
    entityType,
  );
  return rows.map(fromColumns);
}

/** What a record write tells the check about the record. */
export interface CustomFieldWrite {
  /** The record's id (a new record's too): its own stored value never collides with itself. */
  entityId: string;
  /** Creating it: default values fill the fields it was given no value for. */
  creating: boolean;
  /** Its stored values (updates): archived fields' values are carried over from them. */
  stored?: CustomFieldValues | null;
}

/**
 * Checks a record's custom field values inside its write transaction, before the record is written:
 * against the entity type's definitions (read and held shared, see `definitionsFor`), and for `unique`
 * fields against the other live records of the organization. Answers the values to store (normalised,
 * defaults applied on creation, archived fields' values carried over); throws BAD_USER_INPUT with every
 * issue at once (paths `customFields.<key>`). Concurrent writes of the same unique value take turns on
 * a transaction-level advisory lock of (organization, entity type, key, value), so the second one sees
 * the first's committed row.
 */
export async function checkCustomFields(
  tx: Transaction,
  organizationId: string,
  entityType: CustomFieldEntityType,
  input: CustomFieldValues,
  write: CustomFieldWrite,
): Promise<CustomFieldValues> {
  const [values] = await checkCustomFieldsOfMany(
    tx,
    organizationId,
    entityType,
    [{ ...write, input }],
    () => 'customFields',
  );
  return values ?? {};
}

/**
 * `checkCustomFields` for many records of one write (an import): the definitions read once, every
 * record's issues under `pathOf(index)` (e.g. `contacts.3.customFields`), all at once; a unique value
 * two records of the batch share is refused on the later one. Answers the values to store, in order.
 */
export async function checkCustomFieldsOfMany(
  tx: Transaction,
  organizationId: string,
  entityType: CustomFieldEntityType,
  records: ReadonlyArray<CustomFieldWrite & { input: CustomFieldValues }>,
  pathOf: (index: number) => string,
): Promise<CustomFieldValues[]> {
  const definitions = await definitionsFor(tx, organizationId, entityType, { lock: true });
  const issues = new InputIssues();
  const checked = records.map((record, index) =>
    checkCustomFieldValues(
      entityType,
      definitions,
      record.input,
      { creating: record.creating, stored: record.stored ?? null, path: pathOf(index) },
      issues,
    ),
  );
  const unique = definitions.filter((field) => field.archivedAt === null && field.validation.unique);
  const probes: Probe[] = [];
  const seen = new Set<string>();
  checked.forEach((values, index) => {
    for (const field of unique) {
      if (values[field.key] === undefined) continue;
      const probe = JSON.stringify({ [field.key]: values[field.key] });
      if (seen.has(probe))
        issues.add(`${pathOf(index)}.${field.key}`, 'repeats a unique value of this batch', 'not_unique');
      else probes.push({ index, key: field.key, probe, entityId: records[index]?.entityId ?? '' });
      seen.add(probe);
    }
  });
  if (probes.length > 0) {
    for (const { index, key } of await takenValues(tx, organizationId, entityType, probes))
      issues.add(`${pathOf(index)}.${key}`, `is taken by another ${entityType} record`, 'not_unique');
  }
  issues.throwIfAny();
  return checked;
}

/** One unique value a write stores: whose (`index`, `entityId`), under which key, as a jsonb probe. */
interface Probe {
  index: number;
  key: string;
  probe: string;
  entityId: string;
}

/** Locks the probed values, then answers the probes whose value another live record holds. */
async function takenValues(
  tx: Transaction,
  organizationId: string,
  entityType: CustomFieldEntityType,
  probes: readonly Probe[],
): Promise<Array<{ index: number; key: string }>> {
  const locks = probes.map(({ probe }) => `crm.custom_field_unique|${organizationId}|${entityType}|${probe}`);
  // In hash order, so two writes that need the same locks never wait on each other crosswise.
  await tx.$executeRaw`
    SELECT pg_advisory_xact_lock(lock) FROM (
      SELECT DISTINCT hashtextextended(name, 0) AS lock FROM unnest(${locks}::text[]) AS name ORDER BY lock
    ) locks`;
  const { table, live } = ENTITY_TABLES[entityType];
  // `@>` on one key with a scalar is equality (numbers by value); a GIN index on custom_fields serves it.
  const rows = await tx.$queryRawUnsafe<Array<{ index: number; key: string }>>(
    `SELECT u.index, u.key FROM unnest($1::int[], $2::text[], $3::jsonb[], $4::uuid[]) AS u(index, key, probe, entity_id)
     WHERE EXISTS (
       SELECT 1 FROM "${table}" t
       WHERE t.organization_id = $5::uuid AND t.id <> u.entity_id AND (${live}) AND t.custom_fields @> u.probe
     )
     ORDER BY u.index, u.key`,
    probes.map(({ index }) => index),
    probes.map(({ key }) => key),
    probes.map(({ probe }) => probe),
    probes.map(({ entityId }) => entityId),
    organizationId,
  );
  return rows;
}

/**
 * Whether two live records of the entity type share a value of `key` (before a field becomes unique).
 * An entity type whose table does not exist yet has no records, so none share anything.
 */
export async function hasSharedValues(
  tx: Transaction,
  organizationId: string,
  entityType: CustomFieldEntityType,
  key: string,
): Promise<boolean> {
  const { table, live } = ENTITY_TABLES[entityType];
  const [exists] = await tx.$queryRawUnsafe<Array<{ exists: boolean }>>(
    `SELECT to_regclass($1) IS NOT NULL AS exists`,
    table,
  );
  if (!exists?.exists) return false;
  const rows = await tx.$queryRawUnsafe<unknown[]>(
    `SELECT 1 FROM "${table}"
     WHERE organization_id = $1::uuid AND (${live}) AND custom_fields ? $2
     GROUP BY custom_fields -> $2 HAVING count(*) > 1 LIMIT 1`,
    organizationId,
    key,
  );
  return rows.length > 0;
}

/**
 * Custom field values for the other modules' reads: the values a record shows (live fields' only; an
 * archived field's values stay stored, hidden). For writes, use `checkCustomFields` in the write's
 * transaction.
 */
export function customFieldValues(db: TenantDatabase<Transaction>) {
  return {
    /** The organization's definitions of an entity type, live and archived, by position. */
    definitions: (organizationId: string, entityType: CustomFieldEntityType) =>
      db.read(organizationId, (tx) => definitionsFor(tx, organizationId, entityType)),
    /** The values a record shows, given its entity type's definitions. */
    visible: visibleCustomFieldValues,
  };
}
