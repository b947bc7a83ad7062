import type { MutationResolvers } from '../../../../generated/graphql';

export const updateCompany: NonNullable<MutationResolvers['updateCompany']> = (
  _parent,
  { id, expectedVersion, input },
  context,
) => context.companies.update(context.auth, id, input, expectedVersion);
