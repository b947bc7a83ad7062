import type { MutationResolvers } from '../../../../generated/graphql';

export const deleteInteraction: NonNullable<MutationResolvers['deleteInteraction']> = (
  _parent,
  { id },
  context,
) => context.interactions.remove(context.auth, id);
