import type { MutationResolvers } from '../../../../generated/graphql';

export const updateInteraction: NonNullable<MutationResolvers['updateInteraction']> = (
  _parent,
  { id, expectedVersion, input },
  context,
) => context.interactions.update(context.auth, id, expectedVersion, input);
