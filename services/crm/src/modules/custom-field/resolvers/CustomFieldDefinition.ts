import type { CustomFieldDefinitionResolvers } from '../../../generated/graphql';

export const CustomFieldDefinition: CustomFieldDefinitionResolvers = {
  __resolveReference: (reference, { customFieldDefinitionById }) =>
    customFieldDefinitionById.load(reference.id),
  archived: (definition) => definition.archivedAt !== null,
  /** References the identity subgraph resolves (batched there). */
  archivedBy: (definition) => (definition.archivedBy ? { id: definition.archivedBy } : null),
  createdBy: (definition) => ({ id: definition.createdBy }),
};
