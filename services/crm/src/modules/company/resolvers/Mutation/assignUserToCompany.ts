import type { MutationResolvers } from '../../../../generated/graphql';

export const assignUserToCompany: NonNullable<MutationResolvers['assignUserToCompany']> = (
  _parent,
  { companyId, userId, role },
  context,
) => context.companies.assign(context.auth, companyId, userId, role);
