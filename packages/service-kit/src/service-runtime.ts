import type { BaseContext } from '@apollo/server';
import type { DocumentNode } from 'graphql';
import {
  ensureEventTopics,
  startOutboxRelay,
  type EventConsumer,
  type OutboxRelay,
  type OutboxWakeups,
} from '@platform/events';
import { createKafkaMessaging, type Messaging, type MessagingLogger } from '@platform/messaging';
import { Pool } from 'pg';
import type { InternalContextKeyInput } from './internal-context';
import type { RequestContext } from './graphql-http';
import type { Logger } from './logger';
import { auditRecorder } from './audit';
import { createServiceMetrics, type OutboxBacklog, type ServiceMetrics } from './metrics';
import { createSubgraphServer, type RunningSubgraph, type SubgraphServerOptions } from './subgraph-server';

/** What every domain service's start function takes (its own options extend it). */
export interface ServiceStartOptions {
  /** The service database, connected as its application role. */
  databaseUrl: string;
  port: number;
  host?: string;
  logger: Logger;
  /** The gateway's public key for verifying internal contexts. */
  internalContextKey: InternalContextKeyInput;
  kafka: { brokers: readonly string[]; topicPrefix: string };
  /** Sees every SQL statement of the service's Prisma client (tests and benchmarks count them). */
  onQuery?: (sql: string) => void;
  /** The service's metrics, served at `/metrics` (default: a registry of the service's own). */
  metrics?: ServiceMetrics;
}

export interface ServiceRuntimeOptions<TContext extends BaseContext & RequestContext> {
  service: string;
  /** Where and how the service runs (what its start function was given). */
  start: ServiceStartOptions;
  typeDefs: DocumentNode;
  resolvers: SubgraphServerOptions<TContext>['resolvers'];
  context: SubgraphServerOptions<TContext>['context'];
  /** Extra unauthenticated routes (identity's JWKS). */
  routes?: SubgraphServerOptions<TContext>['routes'];
  /** Starts the service's event consumers once messaging is up. */
  consumers?: (messaging: Messaging) => Promise<EventConsumer[]>;
  /** What the service's write path notifies after commits that wrote events; wakes the relay at once. */
  outboxWakeups?: OutboxWakeups;
  /** Runs last on close (e.g. disconnecting the Prisma client). */
  onClose?: () => Promise<void>;
}

export interface ServiceRuntime {
  url: string;
  graphqlUrl: string;
  messaging: Messaging;
  /** What the service's `/metrics` exposes. */
  metrics: ServiceMetrics;
  /** Stops in dependency order: consumers drain, the server closes, the relay finishes its batch. */
  close(): Promise<void>;
}

/** The service's pino logger as the messaging and events packages take it (consumers, relay). */
export function messagingLogger(logger: Logger): MessagingLogger {
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
export async function startServiceRuntime<TContext extends BaseContext & RequestContext>(
  options: ServiceRuntimeOptions<TContext>,
): Promise<ServiceRuntime> {
  const { logger, databaseUrl, kafka } = options.start;
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  // An idle connection the server closed (a restart, a failover, a dropped database) is not a crash:
  // the pool replaces it on the next query. Without a listener, the pool's 'error' would end the process.
  pool.on('error', (error) => logger.warn({ err: error }, 'an idle database connection was closed'));
  const metrics = options.start.metrics ?? createServiceMetrics(options.service);
  metrics.observeOutbox(() => outboxBacklog(pool));
  // Every domain service exposes the consumer series, with samples once one of its consumers has any.
  metrics.consumerObserver();
  const messaging = createKafkaMessaging({
    brokers: [...kafka.brokers],
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
    await ensureEventTopics(messaging.admin, { prefix: kafka.topicPrefix });
    relay = startOutboxRelay({
      pool,
      producer: messaging.producer,
      topicPrefix: kafka.topicPrefix,
      logger: messagingLogger(logger.child({ component: 'outbox' })),
      source: options.service,
      wakeups: options.outboxWakeups,
      onPublished: (batch) => metrics.recordOutboxPublished(batch),
    });
    consumers = (await options.consumers?.(messaging)) ?? [];
    server = await createSubgraphServer({
      service: options.service,
      port: options.start.port,
      host: options.start.host,
      logger,
      typeDefs: options.typeDefs,
      resolvers: options.resolvers,
      internalContextKey: options.start.internalContextKey,
      context: options.context,
      routes: options.routes,
      metrics,
      readiness: [{ name: 'database', check: async () => void (await pool.query('select 1')) }],
      audit: auditRecorder(
        options.service,
        pool,
        options.outboxWakeups ?? { notify: () => undefined },
        logger.child({ component: 'audit' }),
      ),
    });
  } catch (error) {
    await close();
    throw error;
  }
  return { url: server.url, graphqlUrl: server.graphqlUrl, messaging, metrics, close };
}

/**
 * The outbox backlog in one statement: the unpublished rows are found through the
 * ("published_at", "seq") index, and normally there are none or a few.
 */
async function outboxBacklog(pool: Pool): Promise<OutboxBacklog> {
  const { rows } = await pool.query<{ events: number; oldest_age_seconds: number | null }>(
    `SELECT count(*)::int AS "events",
       extract(epoch FROM now() - min("created_at"))::float8 AS "oldest_age_seconds"
     FROM "outbox_events" WHERE "published_at" IS NULL`,
  );
  const row = rows[0];
  return { events: row?.events ?? 0, oldestAgeSeconds: Math.max(row?.oldest_age_seconds ?? 0, 0) };
}
