import type { QueryResolvers } from '../../../../generated/graphql';

export const chatSession: NonNullable<QueryResolvers['chatSession']> = (
  _parent,
  { id },
  { chatSessionById },
) => chatSessionById.load(id);
