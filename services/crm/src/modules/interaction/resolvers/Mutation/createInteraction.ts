import type { MutationResolvers } from '../../../../generated/graphql';

export const createInteraction: NonNullable<MutationResolvers['createInteraction']> = (
  _parent,
  { input },
  context,
) => context.interactions.create(context.auth, input);
