import type { QueryResolvers } from '../../../../generated/graphql';

export const customFieldDefinition: NonNullable<QueryResolvers['customFieldDefinition']> = (
  _parent,
  { id },
  { auth, customFields, customFieldDefinitionById },
) => customFields.get(auth, id, (key) => customFieldDefinitionById.load(key));
