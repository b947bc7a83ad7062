import { defineModule } from '@platform/service-kit';
import type { ConversationsDependencies } from '../../service';
import { channelAccountOperations, type ChannelAccountOperations } from './domain/channel-account-operations';
import { channelAccountRepository } from './infra/channel-account-repository';
import { connectChannelAccount } from './resolvers/Mutation/connectChannelAccount';
import { disconnectChannelAccount } from './resolvers/Mutation/disconnectChannelAccount';
import { reconnectChannelAccount } from './resolvers/Mutation/reconnectChannelAccount';
import { channelAccounts } from './resolvers/Query/channelAccounts';

export interface AccountModuleContext {
  channelAccounts: ChannelAccountOperations;
}

export const accountModule = defineModule<ConversationsDependencies, AccountModuleContext>({
  resolvers: {
    Query: { channelAccounts },
    Mutation: { connectChannelAccount, disconnectChannelAccount, reconnectChannelAccount },
  },
  context: ({ tenants, tokenCipher }) => {
    const operations = channelAccountOperations(channelAccountRepository(tenants, tokenCipher));
    return () => ({ channelAccounts: operations });
  },
});
