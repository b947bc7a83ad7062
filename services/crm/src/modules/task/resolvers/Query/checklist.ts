import type { QueryResolvers } from '../../../../generated/graphql';

export const checklist: NonNullable<QueryResolvers['checklist']> = (_parent, { companyId, stage }, context) =>
  context.tasks.checklist(context.auth, companyId, stage);
