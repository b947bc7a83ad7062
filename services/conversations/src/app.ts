import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'graphql';
import {
  DataLoader,
  startServiceRuntime,
  type JWK,
  type KeyLike,
  type Logger,
  type ServiceRuntime,
} from '@platform/service-kit';
import type { ConversationsContext } from './context';
import { createConversationOperations, type Conversation } from './domain/conversation';
import { createConversationStore } from './infra/conversations';
import { createDatabase, type Database } from './infra/database';
import { resolvers } from './resolvers';

const typeDefs = parse(readFileSync(path.join(__dirname, 'schema.graphql'), 'utf8'));

export interface ConversationsServiceOptions {
  databaseUrl: string;
  port: number;
  host?: string;
  logger: Logger;
  internalContextKey: KeyLike | JWK | string;
  kafka: { brokers: readonly string[]; topicPrefix: string };
}

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
    logger: options.logger,
    databaseUrl: options.databaseUrl,
    kafka: options.kafka,
    subgraph: {
      port: options.port,
      host: options.host,
      typeDefs,
      resolvers,
      internalContextKey: options.internalContextKey,
      context: (base) => ({
        ...base,
        conversations,
        conversationById: new DataLoader<string, Conversation | null>((ids) => {
          const { organizationId } = base.auth;
          return organizationId ? store.byIds(organizationId, ids) : Promise.resolve(ids.map(() => null));
        }),
      }),
    },
    onClose: () => database.$disconnect(),
  });
  return { ...runtime, database };
}
