import type { MutationResolvers } from '../../../../generated/graphql';

export const moveCompanyStage: NonNullable<MutationResolvers['moveCompanyStage']> = (
  _parent,
  { id, stage, notes },
  context,
) => context.companies.moveStage(context.auth, id, stage, notes);
