import type { MutationResolvers } from '../../../../generated/graphql';

export const archiveCustomFieldDefinition: NonNullable<MutationResolvers['archiveCustomFieldDefinition']> = (
  _parent,
  { id },
  context,
) => context.customFields.archive(context.auth, id);
