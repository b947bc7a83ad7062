import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseBrokerList } from '@platform/messaging';
import {
  createLogger,
  createServiceMetrics,
  installTelemetry,
  onShutdown,
  telemetrySettings,
} from '@platform/service-kit';
import { readEnvironment } from './environment';

async function main(): Promise<void> {
  // Read first: it settles APOLLO_TELEMETRY_DISABLED before @apollo/gateway is loaded below.
  const environment = readEnvironment();
  const logger = createLogger('gateway', environment.LOG_LEVEL);
  const telemetry = telemetrySettings(environment, 'gateway');
  const tracing = telemetry ? installTelemetry(telemetry) : null;
  if (tracing?.otlpUrl) logger.info({ url: tracing.otlpUrl }, 'exporting traces over OTLP/HTTP');
  const supergraphPath = environment.SUPERGRAPH_PATH ?? path.join(__dirname, '..', 'supergraph.graphql');
  let supergraphSdl: string;
  try {
    supergraphSdl = readFileSync(supergraphPath, 'utf8');
  } catch (error) {
    throw new Error(
      `cannot read the supergraph at ${supergraphPath}: run pnpm --filter @platform/gateway compose`,
      {
        cause: error,
      },
    );
  }
  // Loaded only now, after the environment is settled (see above).
  const { createGateway } = await import('./app.js');
  const gateway = await createGateway({
    supergraphSdl,
    subgraphUrls: {
      identity: environment.IDENTITY_URL,
      crm: environment.CRM_URL,
      conversations: environment.CONVERSATIONS_URL,
      billing: environment.BILLING_URL,
      automation: environment.AUTOMATION_URL,
    },
    jwks: { url: environment.IDENTITY_JWKS_URL },
    principals: { url: environment.IDENTITY_PRINCIPAL_URL, ttlMs: environment.PRINCIPAL_CACHE_TTL_MS },
    kafka: { brokers: parseBrokerList(environment.KAFKA_BROKERS), topicPrefix: environment.TOPIC_PREFIX },
    internalContextKey: environment.INTERNAL_CONTEXT_PRIVATE_JWK,
    port: environment.PORT,
    host: environment.HOST,
    logger,
    metrics: createServiceMetrics('gateway', { processMetrics: true }),
    subgraphTimeoutMs: environment.SUBGRAPH_TIMEOUT_MS,
    requestDeadlineMs: environment.REQUEST_DEADLINE_MS,
    mode: environment.PLATFORM_ENV,
    introspection: environment.GRAPHQL_INTROSPECTION,
    corsOrigins: environment.CORS_ALLOWED_ORIGINS,
    trustedProxyHops: environment.TRUSTED_PROXY_HOPS,
    limits: {
      maxDepth: environment.GRAPHQL_MAX_DEPTH,
      maxAliases: environment.GRAPHQL_MAX_ALIASES,
      maxDirectives: environment.GRAPHQL_MAX_DIRECTIVES,
      maxTokens: environment.GRAPHQL_MAX_TOKENS,
      maxCost: environment.GRAPHQL_MAX_COST,
      assumedListSize: environment.GRAPHQL_ASSUMED_LIST_SIZE,
    },
    rateLimits: {
      windowSeconds: environment.RATE_LIMIT_WINDOW_SECONDS,
      budgets: {
        apiKey: environment.RATE_LIMIT_API_KEY_POINTS,
        user: environment.RATE_LIMIT_USER_POINTS,
        anonymous: environment.RATE_LIMIT_ANONYMOUS_POINTS,
      },
      ...(environment.RATE_LIMIT_DATABASE_URL ? { databaseUrl: environment.RATE_LIMIT_DATABASE_URL } : {}),
    },
    apiUsage: {
      windowSeconds: environment.API_USAGE_WINDOW_SECONDS,
      flushIntervalMs: environment.API_USAGE_FLUSH_MS,
    },
    realtime: {
      maxConnectionsPerOrganization: environment.REALTIME_MAX_CONNECTIONS_PER_ORGANIZATION,
      maxConnectionsPerPrincipal: environment.REALTIME_MAX_CONNECTIONS_PER_PRINCIPAL,
      maxSubscriptionsPerConnection: environment.REALTIME_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxQueuedEvents: environment.REALTIME_MAX_QUEUED_EVENTS,
      maxBufferedBytes: environment.REALTIME_MAX_BUFFERED_BYTES,
      reauthenticateIntervalMs: environment.REALTIME_REAUTHENTICATE_MS,
    },
  });
  onShutdown(logger, async () => {
    await gateway.close();
    // What is still buffered goes out before the process ends.
    await tracing?.shutdown();
  });
}

main().catch((error: unknown) => {
  createLogger('gateway').fatal({ err: error }, 'failed to start');
  process.exit(1);
});
