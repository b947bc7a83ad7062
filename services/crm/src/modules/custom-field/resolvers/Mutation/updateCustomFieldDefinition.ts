import type { MutationResolvers } from '../../../../generated/graphql';

export const updateCustomFieldDefinition: NonNullable<MutationResolvers['updateCustomFieldDefinition']> = (
  _parent,
  { id, input },
  context,
) => context.customFields.update(context.auth, id, input);
