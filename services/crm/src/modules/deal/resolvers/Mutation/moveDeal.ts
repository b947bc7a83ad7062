import type { MutationResolvers } from '../../../../generated/graphql';

export const moveDeal: NonNullable<MutationResolvers['moveDeal']> = (
  _parent,
  { id, stageId, expectedVersion, actualCloseDate, lostReason },
  context,
) =>
  context.deals.move(context.auth, id, stageId, expectedVersion, {
    ...(actualCloseDate !== undefined ? { actualCloseDate } : {}),
    ...(lostReason !== undefined ? { lostReason } : {}),
  });
