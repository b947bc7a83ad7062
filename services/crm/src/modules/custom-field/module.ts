import { DataLoader, defineModule } from '@platform/service-kit';
import type { CrmDependencies } from '../../service';
import type { CustomFieldDefinition as CustomFieldDefinitionModel } from './domain/custom-field';
import type { CustomFieldEntityType } from './domain/data-types';
import { customFieldOperations, type CustomFieldOperations } from './domain/custom-field-operations';
import { customFieldRepository } from './infra/custom-field-repository';
import { definitionsFor } from './infra/custom-field-values';
import { CustomFieldDefinition } from './resolvers/CustomFieldDefinition';
import { archiveCustomFieldDefinition } from './resolvers/Mutation/archiveCustomFieldDefinition';
import { createCustomFieldDefinition } from './resolvers/Mutation/createCustomFieldDefinition';
import { restoreCustomFieldDefinition } from './resolvers/Mutation/restoreCustomFieldDefinition';
import { updateCustomFieldDefinition } from './resolvers/Mutation/updateCustomFieldDefinition';
import { customFieldDefinition } from './resolvers/Query/customFieldDefinition';
import { customFieldDefinitions } from './resolvers/Query/customFieldDefinitions';

export interface CustomFieldModuleContext {
  customFields: CustomFieldOperations;
  /** The caller's organization's definitions (archived ones too) by id (one query per batch). */
  customFieldDefinitionById: DataLoader<string, CustomFieldDefinitionModel | null>;
  /**
   * The caller's organization's definitions of an entity type, live and archived (one transaction per
   * batch): what records' `customFields` resolvers show values through (`visibleCustomFieldValues`).
   */
  customFieldDefinitionsOf: DataLoader<CustomFieldEntityType, CustomFieldDefinitionModel[]>;
}

/**
 * Custom field definitions and the checks of the values records hold (infra/custom-field-values.ts:
 * `checkCustomFields`, which the record modules run in their write transactions), and crm's copy of the
 * organization's plan entitlements (infra/entitlements.ts: `entitlements`, `enforcePlanLimit`).
 */
export const customFieldModule = defineModule<CrmDependencies, CustomFieldModuleContext>({
  resolvers: {
    Query: { customFieldDefinition, customFieldDefinitions },
    Mutation: {
      createCustomFieldDefinition,
      updateCustomFieldDefinition,
      archiveCustomFieldDefinition,
      restoreCustomFieldDefinition,
    },
    CustomFieldDefinition,
  },
  context: ({ tenants }) => {
    const repository = customFieldRepository(tenants);
    const customFields = customFieldOperations(repository);
    return ({ auth }) => ({
      customFields,
      customFieldDefinitionById: new DataLoader((ids: readonly string[]) =>
        auth.organizationId
          ? repository.byIds(auth.organizationId, ids)
          : Promise.resolve(ids.map(() => null)),
      ),
      customFieldDefinitionsOf: new DataLoader((entityTypes: readonly CustomFieldEntityType[]) => {
        const organizationId = auth.organizationId;
        if (!organizationId) return Promise.resolve(entityTypes.map(() => []));
        return tenants.read(organizationId, (tx) =>
          Promise.all(entityTypes.map((entityType) => definitionsFor(tx, organizationId, entityType))),
        );
      }),
    });
  },
});
