import { defineModule } from '@platform/service-kit';
import type { ConversationsDependencies } from '../../service';

/**
 * Storage: where conversations keeps bytes (`domain/object-storage.ts`), local disk or S3-compatible.
 * No graph of its own: documents take the storage from `dependencies.storage`.
 */
export type StorageModuleContext = object;

export const storageModule = defineModule<ConversationsDependencies, StorageModuleContext>({
  resolvers: {},
  context: () => () => ({}),
});
