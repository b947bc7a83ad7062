import type { MutationResolvers } from '../../../../generated/graphql';

export const replyToConversation: NonNullable<MutationResolvers['replyToConversation']> = (
  _parent,
  { id, text },
  { auth, messages },
) => messages.reply(auth, id, text);
