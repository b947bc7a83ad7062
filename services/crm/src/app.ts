import {
  DataLoader,
  loadSchema,
  startServiceRuntime,
  type ServiceRuntime,
  type ServiceStartOptions,
} from '@platform/service-kit';
import type { CrmContext } from './context';
import type { Contact } from './domain/contact';
import { createContactOperations } from './domain/contacts';
import { createContactStore } from './infra/contacts';
import { createDatabase, type Database } from './infra/database';
import { resolvers } from './resolvers';

const typeDefs = loadSchema(__dirname);

export type CrmServiceOptions = ServiceStartOptions;

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
    start: options,
    typeDefs,
    resolvers,
    context: (base) => ({
      ...base,
      contacts,
      contactById: new DataLoader<string, Contact | null>((ids) => {
        const { organizationId } = base.auth;
        return organizationId ? store.byIds(organizationId, ids) : Promise.resolve(ids.map(() => null));
      }),
    }),
    onClose: () => database.$disconnect(),
  });
  return { ...runtime, database };
}
