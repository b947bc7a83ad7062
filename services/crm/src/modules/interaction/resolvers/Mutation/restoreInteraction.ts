import type { MutationResolvers } from '../../../../generated/graphql';

export const restoreInteraction: NonNullable<MutationResolvers['restoreInteraction']> = (
  _parent,
  { id },
  context,
) => context.interactions.restore(context.auth, id);
