import type { MessageResolvers } from '../../../generated/graphql';

export const Message: MessageResolvers = {
  sender: (message) => ({
    platformUserId: message.senderPlatformUserId,
    displayName: message.senderDisplayName,
    userId: message.senderUserId,
  }),
};
