// LOCAL ONLY (wC): not committed; the base commit lacks this file and platform-codegen requires it.
import { defineModule } from '@platform/service-kit';
import type { ConversationsDependencies } from '../../service';

export type AiModuleContext = Record<never, never>;

export const aiModule = defineModule<ConversationsDependencies, AiModuleContext>({
  resolvers: {},
  context: () => () => ({}),
});
