import type { MutationResolvers } from '../../../../generated/graphql';

export const createCustomFieldDefinition: NonNullable<MutationResolvers['createCustomFieldDefinition']> = (
  _parent,
  { input },
  context,
) => context.customFields.create(context.auth, input);
