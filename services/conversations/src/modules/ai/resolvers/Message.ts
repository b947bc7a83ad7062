import type { MessageResolvers } from '../../../generated/graphql';

export const Message: MessageResolvers = {
  classification: async (message, _args, { aiByMessage }) =>
    (await aiByMessage.load(message.id))?.classification ?? null,
  aiTasks: async (message, _args, { aiByMessage }) => (await aiByMessage.load(message.id))?.tasks ?? [],
};
