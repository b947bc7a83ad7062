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
import type { BillingContext } from './context';
import type { Plan } from './domain/plans';
import { startProvisioningConsumer } from './events/consumers';
import { createBillingStore } from './infra/billing-store';
import { createDatabase, type Database } from './infra/database';
import { resolvers } from './resolvers';

const typeDefs = parse(readFileSync(path.join(__dirname, 'schema.graphql'), 'utf8'));

export interface BillingServiceOptions {
  databaseUrl: string;
  port: number;
  host?: string;
  logger: Logger;
  internalContextKey: KeyLike | JWK | string;
  kafka: { brokers: readonly string[]; topicPrefix: string };
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
        billing,
        planById: new DataLoader<string, Plan | null>(async (ids) => {
          const plans = await billing.plans();
          return ids.map((id) => plans.find((plan) => plan.id === id) ?? null);
        }),
      }),
    },
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
