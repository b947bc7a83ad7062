import { defineModule } from '@platform/service-kit';
import type { ConversationsDependencies } from '../../service';

/** Ingestion has no graph: its surface is the webhook route and the consumer that stores what it took in. */
export type IngestionModuleContext = Record<never, never>;

/** Webhook ingestion: `infra/webhook-route.ts` (the route) and `src/consumers/ingestion.ts` (the store). */
export const ingestionModule = defineModule<ConversationsDependencies, IngestionModuleContext>({
  resolvers: {},
  context: () => () => ({}),
});
