import { defineModule } from '@platform/service-kit';
import type { ConversationsDependencies } from '../../service';

/**
 * Object storage has no graph: documents and retention archives use `dependencies.storage` (local disk
 * by default, an S3-compatible bucket when configured; `infra/`).
 */
export type StorageModuleContext = Record<never, never>;

export const storageModule = defineModule<ConversationsDependencies, StorageModuleContext>({
  resolvers: {},
  context: () => () => ({}),
});
