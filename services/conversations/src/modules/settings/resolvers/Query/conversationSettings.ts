import type { QueryResolvers } from '../../../../generated/graphql';

export const conversationSettings: NonNullable<QueryResolvers['conversationSettings']> = (
  _parent,
  _args,
  { auth, conversationSettings: settings },
) => settings.get(auth);
