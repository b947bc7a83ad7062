import type { MutationResolvers } from '../../../../generated/graphql';

export const restoreCompany: NonNullable<MutationResolvers['restoreCompany']> = (_parent, { id }, context) =>
  context.companies.restore(context.auth, id);
