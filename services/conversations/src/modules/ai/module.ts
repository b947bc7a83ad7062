import { defineModule } from '@platform/service-kit';
import type { ConversationsDependencies } from '../../service';

/** The AI provider interface (`domain/ai-provider.ts`); no graph of its own yet. */
export type AiModuleContext = Record<never, never>;

export const aiModule = defineModule<ConversationsDependencies, AiModuleContext>({
  resolvers: {},
  context: () => () => ({}),
});
