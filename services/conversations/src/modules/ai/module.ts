import { defineModule } from '@platform/service-kit';
import type { ConversationsDependencies } from '../../service';

/**
 * AI: the provider boundary (`domain/ai-provider.ts`) and its implementations — the deterministic local
 * provider and the OpenAI-compatible HTTP provider (`infra/provider.ts` chooses). No graph of its own yet.
 */
export type AiModuleContext = object;

export const aiModule = defineModule<ConversationsDependencies, AiModuleContext>({
  resolvers: {},
  context: () => () => ({}),
});
