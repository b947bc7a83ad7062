import type { MutationResolvers } from '../../../../generated/graphql';

export const updateConversationSettings: NonNullable<MutationResolvers['updateConversationSettings']> = (
  _parent,
  { input },
  { auth, conversationSettings },
) => conversationSettings.update(auth, input);
