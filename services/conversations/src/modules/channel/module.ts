import { defineModule } from '@platform/service-kit';
import type { ConversationsDependencies } from '../../service';

/**
 * Channels: the platform adapters (signature schemes, payload mapping, sending) and the local platform
 * simulator. No graph of its own: accounts and ingestion use `infra/adapters.ts`.
 */
export type ChannelModuleContext = object;

export const channelModule = defineModule<ConversationsDependencies, ChannelModuleContext>({
  resolvers: {},
  context: () => () => ({}),
});
