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
import type { CrmContext } from './context';
import type { Contact } from './domain/contact';
import { createContactOperations } from './domain/contacts';
import { createContactStore } from './infra/contacts';
import { createDatabase, type Database } from './infra/database';
import { resolvers } from './resolvers';

const typeDefs = parse(readFileSync(path.join(__dirname, 'schema.graphql'), 'utf8'));

export interface CrmServiceOptions {
  databaseUrl: string;
  port: number;
  host?: string;
  logger: Logger;
  internalContextKey: KeyLike | JWK | string;
  kafka: { brokers: readonly string[]; topicPrefix: string };
}

export interface CrmService extends ServiceRuntime {
  database: Database;
}

/** Starts crm: its subgraph and its outbox relay. */
export async function startCrmService(options: CrmServiceOptions): Promise<CrmService> {
  const database = createDatabase(options.databaseUrl);
  const store = createContactStore(database);
  const contacts = createContactOperations(store);
  const runtime = await startServiceRuntime<CrmContext>({
    service: 'crm',
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
        contacts,
        contactById: new DataLoader<string, Contact | null>((ids) => {
          const { organizationId } = base.auth;
          return organizationId ? store.byIds(organizationId, ids) : Promise.resolve(ids.map(() => null));
        }),
      }),
    },
    onClose: () => database.$disconnect(),
  });
  return { ...runtime, database };
}
