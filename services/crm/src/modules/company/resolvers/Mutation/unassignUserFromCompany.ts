import type { MutationResolvers } from '../../../../generated/graphql';

export const unassignUserFromCompany: NonNullable<MutationResolvers['unassignUserFromCompany']> = (
  _parent,
  { companyId, userId, role },
  context,
) => context.companies.unassign(context.auth, companyId, userId, role);
