import type { MutationResolvers } from '../../../../generated/graphql';

export const recordAdPerformance: NonNullable<MutationResolvers['recordAdPerformance']> = (
  _parent,
  { companyId, input },
  context,
) => context.companies.recordAdPerformance(context.auth, companyId, input);
