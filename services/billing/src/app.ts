import {
  DataLoader,
  loadSchema,
  startServiceRuntime,
  type ServiceRuntime,
  type ServiceStartOptions,
} from '@platform/service-kit';
import type { BillingContext } from './context';
import type { Plan } from './domain/plans';
import { startProvisioningConsumer } from './events/consumers';
import { createBillingStore } from './infra/billing-store';
import { createDatabase, type Database } from './infra/database';
import { resolvers } from './resolvers';

const typeDefs = loadSchema(__dirname);

export interface BillingServiceOptions extends ServiceStartOptions {
  /** Off in tests that start the consumer themselves. Default true. */
  consumers?: boolean;
}

export interface BillingService extends ServiceRuntime {
  database: Database;
}

/** Starts billing: its subgraph, its outbox relay and the provisioning consumer. */
export async function startBillingService(options: BillingServiceOptions): Promise<BillingService> {
  const database = createDatabase(options.databaseUrl);
  const billing = createBillingStore(database);
  const runtime = await startServiceRuntime<BillingContext>({
    service: 'billing',
    start: options,
    typeDefs,
    resolvers,
    context: (base) => ({
      ...base,
      billing,
      planById: new DataLoader<string, Plan | null>(async (ids) => {
        const plans = await billing.plans();
        return ids.map((id) => plans.find((plan) => plan.id === id) ?? null);
      }),
    }),
    consumers: async (messaging) =>
      options.consumers === false
        ? []
        : [
            await startProvisioningConsumer({
              messaging,
              database,
              store: billing,
              topicPrefix: options.kafka.topicPrefix,
            }),
          ],
    onClose: () => database.$disconnect(),
  });
  return { ...runtime, database };
}
