import type { MutationResolvers } from '../../../../generated/graphql';

export const sendChatMessage: NonNullable<MutationResolvers['sendChatMessage']> = (
  _parent,
  { sessionId, content },
  { auth, assistant },
) => assistant.send(auth, sessionId, content);
