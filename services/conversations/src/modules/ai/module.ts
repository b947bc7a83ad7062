import { defineModule } from '@platform/service-kit';
import type { ConversationsDependencies } from '../../service';

/**
 * AI: the provider boundary (`domain/ai-provider.ts`) and its implementations. No graph of its own:
 * the inbox pipeline and the assistant take the provider from `dependencies.ai`.
 */
export type AiModuleContext = object;

export const aiModule = defineModule<ConversationsDependencies, AiModuleContext>({
  resolvers: {},
  context: () => () => ({}),
});
