import type { BaseContext } from '@apollo/server';
import { ensureEventTopics, startOutboxRelay, type EventConsumer, type OutboxRelay } from '@platform/events';
import { createKafkaMessaging, type Messaging, type MessagingLogger } from '@platform/messaging';
import { Pool } from 'pg';
import type { Logger } from './logger';
import { createSubgraphServer, type RunningSubgraph, type SubgraphServerOptions } from './subgraph-server';

export interface ServiceRuntimeOptions<TContext extends BaseContext> {
  service: string;
  logger: Logger;
  /** The service database, connected as its application role (the outbox relay's pool). */
  databaseUrl: string;
  kafka: { brokers: readonly string[]; topicPrefix: string };
  /** The GraphQL subgraph (service, logger and the database readiness check are filled in). */
  subgraph: Omit<SubgraphServerOptions<TContext>, 'service' | 'logger'>;
  /** Starts the service's event consumers once messaging is up. */
  consumers?: (messaging: Messaging) => Promise<EventConsumer[]>;
  /** Runs last on close (e.g. disconnecting the Prisma client). */
  onClose?: () => Promise<void>;
}

export interface ServiceRuntime {
  url: string;
  graphqlUrl: string;
  messaging: Messaging;
  /** Stops in dependency order: consumers drain, the server closes, the relay finishes its batch. */
  close(): Promise<void>;
}

function messagingLogger(logger: Logger): MessagingLogger {
  return {
    debug: (message, fields) => logger.debug(fields ?? {}, message),
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
  };
}

/**
 * Everything a domain service runs besides its domain: the subgraph server, the transactional-outbox
 * relay that publishes what the service's transactions wrote, and its event consumers.
 */
export async function startServiceRuntime<TContext extends BaseContext>(
  options: ServiceRuntimeOptions<TContext>,
): Promise<ServiceRuntime> {
  const { logger } = options;
  const pool = new Pool({ connectionString: options.databaseUrl, max: 4 });
  const messaging = createKafkaMessaging({
    brokers: [...options.kafka.brokers],
    clientId: options.service,
    logger: messagingLogger(logger.child({ component: 'kafka' })),
  });
  let relay: OutboxRelay | undefined;
  let consumers: EventConsumer[] = [];
  let server: RunningSubgraph | undefined;
  const close = async (): Promise<void> => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await server?.close();
    await relay?.stop();
    await messaging.close();
    await pool.end();
    await options.onClose?.();
  };
  try {
    // The broker never creates topics on its own: every service makes sure the catalog's topics (and
    // their dead-letter topics) exist before it publishes or subscribes. Existing topics are left as is.
    await ensureEventTopics(messaging.admin, { prefix: options.kafka.topicPrefix });
    relay = startOutboxRelay({
      pool,
      producer: messaging.producer,
      topicPrefix: options.kafka.topicPrefix,
      logger: messagingLogger(logger.child({ component: 'outbox' })),
      source: options.service,
    });
    consumers = (await options.consumers?.(messaging)) ?? [];
    server = await createSubgraphServer({
      ...options.subgraph,
      service: options.service,
      logger,
      readiness: [
        { name: 'database', check: async () => void (await pool.query('select 1')) },
        ...(options.subgraph.readiness ?? []),
      ],
    });
  } catch (error) {
    await close();
    throw error;
  }
  return { url: server.url, graphqlUrl: server.graphqlUrl, messaging, close };
}
