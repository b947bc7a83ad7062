import type { MutationResolvers } from '../../../../generated/graphql';

export const createCompany: NonNullable<MutationResolvers['createCompany']> = (_parent, { input }, context) =>
  context.companies.create(context.auth, input);
