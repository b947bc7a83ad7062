import { listPage, mapListPage, orderByKeys, uuidsOnly, type TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import { duplicateValues, type CustomFieldDefinition } from '../domain/custom-field';
import type { CustomFieldRepository } from '../domain/custom-field-repository';
import { customFieldListSpec } from './custom-field-list';
import { definitionData, fromColumns, toDefinition, type DefinitionColumns } from './definition-rows';
import { entitlementsIn, lockPlanLimit } from './entitlements';
import { hasSharedValues } from './custom-field-values';

type Transaction = Prisma.TransactionClient;

const liveCount = (tx: Transaction, organizationId: string) =>
  tx.customFieldDefinition.count({ where: { organizationId, archivedAt: null } });

/** Reads the definition with its row locked (FOR UPDATE) until the transaction ends; null when none. */
async function lockDefinition(
  tx: Transaction,
  organizationId: string,
  id: string,
): Promise<CustomFieldDefinition | null> {
  const locked = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM custom_field_definitions
    WHERE id = ${id}::uuid AND organization_id = ${organizationId}::uuid FOR UPDATE`;
  if (locked.length === 0) return null;
  return toDefinition(await tx.customFieldDefinition.findUniqueOrThrow({ where: { id } }));
}

/**
 * Custom field definitions over Prisma. Every call runs in the organization's tenant transaction
 * (row-level security backs up the explicit organization filter). Creations and restores take the
 * organization's custom-field limit lock first, so the count of live fields and the key's uniqueness
 * are decided one creation at a time (the partial unique index on live keys is the backstop).
 */
export function customFieldRepository(db: TenantDatabase<Transaction>): CustomFieldRepository {
  return {
    create: (draft, decide) =>
      db.writeDecided(draft.organizationId, async (tx) => {
        const { organizationId, entityType, key } = draft;
        await lockPlanLimit(tx, organizationId, 'customFields');
        const [entitlements, count, sameKey, last] = await Promise.all([
          entitlementsIn(tx, organizationId),
          liveCount(tx, organizationId),
          tx.customFieldDefinition.findMany({ where: { organizationId, entityType, key } }),
          tx.customFieldDefinition.aggregate({
            where: { organizationId, entityType, archivedAt: null },
            _max: { position: true },
          }),
        ]);
        const decided = decide({
          limit: entitlements.customFieldLimit,
          liveCount: count,
          sameKey: sameKey.map(toDefinition),
          nextPosition: (last._max.position ?? -1) + 1,
        });
        const definition = decided.value;
        if (definition.validation.unique && (await hasSharedValues(tx, organizationId, entityType, key)))
          throw duplicateValues(definition);
        await tx.customFieldDefinition.create({
          data: {
            id: definition.id,
            organizationId,
            entityType,
            key,
            dataType: definition.dataType,
            isArray: definition.isArray,
            currencyCode: definition.currencyCode,
            createdBy: definition.createdBy,
            createdAt: definition.createdAt,
            ...definitionData(definition),
          },
        });
        return decided;
      }),

    change: (organizationId, id, decide) =>
      db.writeDecided(organizationId, async (tx) => {
        const current = await lockDefinition(tx, organizationId, id);
        if (!current) return { value: null, events: [] };
        const { value: definition, events, becameUnique } = decide(current);
        if (events.length === 0) return { value: definition, events };
        if (
          becameUnique &&
          (await hasSharedValues(tx, organizationId, definition.entityType, definition.key))
        )
          throw duplicateValues(definition);
        await tx.customFieldDefinition.update({ where: { id }, data: definitionData(definition) });
        return { value: definition, events };
      }),

    archive: (organizationId, id, decide) =>
      db.writeDecided(organizationId, async (tx) => {
        const current = await lockDefinition(tx, organizationId, id);
        if (!current) return { value: null, events: [] };
        const decided = decide(current);
        await tx.customFieldDefinition.update({ where: { id }, data: definitionData(decided.value) });
        return decided;
      }),

    restore: (organizationId, id, decide) =>
      db.writeDecided(organizationId, async (tx) => {
        await lockPlanLimit(tx, organizationId, 'customFields');
        const current = await lockDefinition(tx, organizationId, id);
        if (!current) return { value: null, events: [] };
        const [entitlements, count, taken] = await Promise.all([
          entitlementsIn(tx, organizationId),
          liveCount(tx, organizationId),
          tx.customFieldDefinition.count({
            where: {
              organizationId,
              entityType: current.entityType,
              key: current.key,
              archivedAt: null,
              NOT: { id },
            },
          }),
        ]);
        const decided = decide(current, {
          limit: entitlements.customFieldLimit,
          liveCount: count,
          keyTaken: taken > 0,
        });
        const definition = decided.value;
        // Records may share values now: while this field was archived, another one may have taken its key
        // (same value shape), had values written, and been archived in turn.
        if (
          definition.validation.unique &&
          (await hasSharedValues(tx, organizationId, definition.entityType, definition.key))
        )
          throw duplicateValues(definition);
        await tx.customFieldDefinition.update({ where: { id }, data: definitionData(definition) });
        return decided;
      }),

    async byIds(organizationId, ids) {
      const rows = await db.read(organizationId, (tx) =>
        tx.customFieldDefinition.findMany({ where: { organizationId, id: { in: uuidsOnly(ids) } } }),
      );
      return orderByKeys(ids, rows.map(toDefinition), (definition) => definition.id);
    },

    list: (organizationId, request, options) =>
      db.read(organizationId, async (tx) => {
        const page = await listPage<DefinitionColumns & Record<string, unknown>>(
          tx,
          customFieldListSpec(options),
          organizationId,
          request,
        );
        return mapListPage(page, fromColumns);
      }),
  };
}
