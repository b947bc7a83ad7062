import { defineModule } from '@platform/service-kit';
import type { ConversationsDependencies } from '../../service';

/** Storage: where documents and archives keep their bytes (`domain/object-storage.ts`). No graph of its own. */
export type StorageModuleContext = object;

export const storageModule = defineModule<ConversationsDependencies, StorageModuleContext>({
  resolvers: {},
  context: () => () => ({}),
});
