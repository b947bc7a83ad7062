import type { MutationResolvers } from '../../../../generated/graphql';

export const deleteCompany: NonNullable<MutationResolvers['deleteCompany']> = (_parent, { id }, context) =>
  context.companies.delete(context.auth, id);
