import type { ListSpec } from '@platform/service-kit';

/**
 * How the definition list filters and sorts (the API's CustomFieldDefinitionFilter and
 * CustomFieldDefinitionOrderField, see custom-field.graphql) over custom_field_definitions.
 */
export function customFieldListSpec(options: { includeArchived: boolean }): ListSpec {
  return {
    table: 'custom_field_definitions',
    ...(options.includeArchived ? {} : { where: 't.archived_at IS NULL' }),
    filters: {
      id: { column: 'id', type: 'uuid' },
      entityType: { column: 'entity_type', type: 'enum' },
      key: { column: 'key', type: 'text' },
      label: { column: 'label', type: 'text' },
      dataType: { column: 'data_type', type: 'enum' },
      createdAt: { column: 'created_at', type: 'timestamptz' },
      updatedAt: { column: 'updated_at', type: 'timestamptz' },
      archivedAt: { column: 'archived_at', type: 'timestamptz', nullable: true },
    },
    sorts: {
      ENTITY_TYPE: { column: 'entity_type', type: 'enum' },
      POSITION: { column: 'position', type: 'int' },
      KEY: { column: 'key', type: 'text' },
      LABEL: { column: 'label', type: 'text' },
      CREATED_AT: { column: 'created_at', type: 'timestamptz' },
      UPDATED_AT: { column: 'updated_at', type: 'timestamptz' },
    },
  };
}
