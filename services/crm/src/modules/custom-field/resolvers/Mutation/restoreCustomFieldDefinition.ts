import type { MutationResolvers } from '../../../../generated/graphql';

export const restoreCustomFieldDefinition: NonNullable<MutationResolvers['restoreCustomFieldDefinition']> = (
  _parent,
  { id },
  context,
) => context.customFields.restore(context.auth, id);
