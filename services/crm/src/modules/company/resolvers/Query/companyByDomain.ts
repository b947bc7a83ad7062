import type { QueryResolvers } from '../../../../generated/graphql';

export const companyByDomain: NonNullable<QueryResolvers['companyByDomain']> = (
  _parent,
  { domain },
  context,
) => context.companies.byDomain(context.auth, domain);
