import {
  DataLoader,
  loadSchema,
  startServiceRuntime,
  type ServiceRuntime,
  type ServiceStartOptions,
} from '@platform/service-kit';
import type { ConversationsContext } from './context';
import { createConversationOperations, type Conversation } from './domain/conversation';
import { createConversationStore } from './infra/conversations';
import { createDatabase, type Database } from './infra/database';
import { resolvers } from './resolvers';

const typeDefs = loadSchema(__dirname);

export type ConversationsServiceOptions = ServiceStartOptions;

export interface ConversationsService extends ServiceRuntime {
  database: Database;
}

/** Starts conversations: its subgraph and its outbox relay. */
export async function startConversationsService(
  options: ConversationsServiceOptions,
): Promise<ConversationsService> {
  const database = createDatabase(options.databaseUrl);
  const store = createConversationStore(database);
  const conversations = createConversationOperations(store);
  const runtime = await startServiceRuntime<ConversationsContext>({
    service: 'conversations',
    start: options,
    typeDefs,
    resolvers,
    context: (base) => ({
      ...base,
      conversations,
      conversationById: new DataLoader<string, Conversation | null>((ids) => {
        const { organizationId } = base.auth;
        return organizationId ? store.byIds(organizationId, ids) : Promise.resolve(ids.map(() => null));
      }),
    }),
    onClose: () => database.$disconnect(),
  });
  return { ...runtime, database };
}
