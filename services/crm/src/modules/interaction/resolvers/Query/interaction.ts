import type { QueryResolvers } from '../../../../generated/graphql';

export const interaction: NonNullable<QueryResolvers['interaction']> = (
  _parent,
  { id },
  { auth, interactions, interactionById },
) => interactions.get(auth, id, (key) => interactionById.load(key));
