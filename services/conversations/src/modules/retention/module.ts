import { defineModule } from '@platform/service-kit';
import type { ConversationsDependencies } from '../../service';
import { messageArchiveOperations, type MessageArchiveOperations } from './domain/archive-operations';
import { messageArchiveRepository } from './infra/message-archive-repository';
import { MessageArchive } from './resolvers/MessageArchive';
import { archivedMessages } from './resolvers/Query/archivedMessages';
import { messageArchives } from './resolvers/Query/messageArchives';

export interface RetentionModuleContext {
  messageArchives: MessageArchiveOperations;
}

/** Message retention: the archives of messages past retention, and reading them back (the job: infra/retention-job.ts). */
export const retentionModule = defineModule<ConversationsDependencies, RetentionModuleContext>({
  resolvers: {
    Query: { messageArchives, archivedMessages },
    MessageArchive,
  },
  context: ({ tenants, storage, messageSealing }) => {
    const operations = messageArchiveOperations(messageArchiveRepository(tenants, storage, messageSealing));
    return () => ({ messageArchives: operations });
  },
});
