import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { createKafkaMessaging } from '@platform/messaging';
import {
  graphqlRoute,
  messagingLogger,
  RequestRefusedError,
  redactionsPlugin,
  importInternalContextPrivateKey,
  requestTracePlugin,
  startServiceServer,
  type InternalContextKeyInput,
  type Logger,
  type ReadinessCheck,
  type RunningServer,
  type ServiceMetrics,
  createServiceMetrics,
} from '@platform/service-kit';
import type { GraphQLSchema } from 'graphql';
import { Agent } from 'undici';
import { apiAccessPlugin } from './api-access';
import {
  assertTrustedProxyHops,
  createAuthenticator,
  type GatewayAuth,
  type GatewayContext,
  type JwksSource,
} from './authentication';
import { applyVendorTelemetryDefaults } from './environment';
import { gatewayErrorFormatter, isExpectedGatewayError } from './errors';
import { costLimitPlugin, DEFAULT_QUERY_LIMITS, structuralRefusal, type QueryLimits } from './limits';
import { identityPrincipals, startPrincipalInvalidation, type PrincipalSource } from './principals';
import { withCors } from './cors';
import { persistedQueryMismatch, safelistRefusal } from './safelists';
import { blockedRefusal, chargeOperation, startRateLimiter, type RateLimitOptions } from './rate-limits';
import { ideRoutes } from './ide';
import {
  apiCallsPlugin,
  createApiCallTally,
  DEFAULT_API_USAGE,
  startApiUsageMeter,
  type ApiUsageMeter,
  type ApiUsageOptions,
} from './api-usage';
import { keepAliveFetcher, SubgraphDataSource } from './subgraph-data-source';
import { startRealtimeFeed } from './realtime/feed';
import { attachRealtimeServer, type RealtimeLimits, type RealtimeServer } from './realtime/server';

export { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, type JwksSource } from './authentication';
export { SUBGRAPH_TIMEOUT, SUBGRAPH_UNAVAILABLE } from './subgraph-data-source';
export { identityPrincipals, type Principal, type PrincipalSource } from './principals';
export { DEFAULT_QUERY_LIMITS, LIMIT_CODES, type QueryLimits } from './limits';
export { IDE_PATH } from './ide';
export { OPERATION_NOT_SAFELISTED } from './safelists';
export { API_ACCESS_REFUSED, API_WRITE_FEATURE } from './api-access';
export { DEFAULT_RATE_LIMITS, RATE_LIMITED, RATE_LIMIT_TABLE, type RateLimitOptions } from './rate-limits';
export { API_CALLS_TABLE, type ApiUsageOptions } from './api-usage';
export {
  DEFAULT_REALTIME_LIMITS,
  REALTIME_CLOSE_CODES,
  TOO_MANY_SUBSCRIPTIONS,
  type RealtimeLimits,
} from './realtime/server';

export const GRAPHQL_PATH = '/graphql';
export const DEFAULT_SUBGRAPH_TIMEOUT_MS = 10_000;
/** A client request's deadline: its subgraph calls, one after another, all end by then. */
export const DEFAULT_REQUEST_DEADLINE_MS = 15_000;

export interface GatewayOptions {
  /** The composed supergraph (gateway/supergraph.graphql). */
  supergraphSdl: string;
  /** Where each subgraph of the supergraph answers, by subgraph name (identity, crm, …). */
  subgraphUrls: Readonly<Record<string, string>>;
  /** Verifies access tokens: identity's JWKS URL, or a local key set. */
  jwks: JwksSource;
  /**
   * Who credentials act as: identity's principal URL (`/internal/principal`), or a source of one's own
   * (tests of the edge alone).
   */
  principals: { url: string; ttlMs?: number } | PrincipalSource;
  /**
   * The broker identity publishes to: the gateway follows its events to drop cached principals at
   * once. Without it, cached principals live `ttlMs` (30 s).
   */
  kafka?: { brokers: readonly string[]; topicPrefix: string };
  /** Signs internal contexts: the Ed25519 private key (KeyLike, JWK or JWK JSON). */
  internalContextKey: InternalContextKeyInput;
  port: number;
  host?: string;
  logger: Logger;
  /** Deadline of one subgraph request (default 10 s); `subgraphTimeoutsMs` overrides it per subgraph. */
  subgraphTimeoutMs?: number;
  subgraphTimeoutsMs?: Readonly<Record<string, number>>;
  /**
   * Deadline of a whole client request, from when it is authenticated and read (default 15 s): a plan's
   * subgraph calls, one after another, get what is left of it when that is less than their own.
   */
  requestDeadlineMs?: number;
  /**
   * `production`: introspection off, no field suggestions ("Did you mean …") in errors. Default
   * `development`.
   */
  mode?: 'development' | 'production';
  /** Schema introspection at the edge in development (default true; always off in production). */
  introspection?: boolean;
  /** Browser origins allowed to call the API (CORS); none by default. */
  corsOrigins?: readonly string[];
  /**
   * Proxies in front of the gateway whose `X-Forwarded-For` entries are trusted (authentication.ts
   * `clientAddressOf`): the client address is the entry that many from the right. Default 0: the
   * socket's peer, whatever the header says.
   */
  trustedProxyHops?: number;
  /** Checks beside the gateway's own: each subgraph answering its `/health/ready`. */
  readiness?: readonly ReadinessCheck[];
  /**
   * Subgraphs without which the gateway is not ready (default identity: nobody can be authenticated
   * without it). Any other subgraph missing leaves it ready but `degraded`: it answers partial data.
   */
  criticalSubgraphs?: readonly string[];
  maxBodyBytes?: number;
  /** Limits checked before execution (defaults: DEFAULT_QUERY_LIMITS). */
  limits?: Partial<QueryLimits>;
  /** Budgets of cost points per window and where the counters live; no rate limits without it. */
  rateLimits?: RateLimitOptions;
  /**
   * Served at `/metrics` (default: a registry of the gateway's own): requests and GraphQL series, its
   * consumers' lag and outcomes, and the API-call counts waiting to be published as its outbox.
   */
  metrics?: ServiceMetrics;
  /**
   * API calls metered for billing (`gateway.api_calls.counted.v1`, api-usage.ts): on whenever `kafka` is
   * given. The counts are kept in `databaseUrl`, by default the rate limits' database.
   */
  apiUsage?: ApiUsageOptions;
  /**
   * GraphQL subscriptions over WebSocket on the same path (realtime/server.ts), fed from `kafka`: on
   * whenever `kafka` is given, with these limits (default DEFAULT_REALTIME_LIMITS); false turns it off.
   */
  realtime?: Partial<RealtimeLimits> | false;
}

export interface RunningGateway extends RunningServer {
  graphqlUrl: string;
}

/**
 * The gateway: Apollo Gateway over the static supergraph, served by Apollo Server 5 at
 * `POST /graphql` beside `/health/live` and `/health/ready`. Authenticates at the edge and signs an
 * internal context for every subgraph request.
 */
export async function createGateway(options: GatewayOptions): Promise<RunningGateway> {
  // ApolloGateway decides about its telemetry when it is constructed.
  applyVendorTelemetryDefaults();
  // Refused before anything starts, not after the broker and the database are connected.
  assertTrustedProxyHops(options.trustedProxyHops ?? 0);
  const { logger } = options;
  const signingKey = await importInternalContextPrivateKey(options.internalContextKey);
  const defaultTimeoutMs = options.subgraphTimeoutMs ?? DEFAULT_SUBGRAPH_TIMEOUT_MS;
  const requestDeadlineMs = options.requestDeadlineMs ?? DEFAULT_REQUEST_DEADLINE_MS;
  if (!Number.isInteger(requestDeadlineMs) || requestDeadlineMs <= 0) {
    throw new Error(
      `the request deadline must be a positive number of milliseconds, got ${requestDeadlineMs}`,
    );
  }
  // One pool of keep-alive connections for every subgraph; idle sockets close before Node's 5 s server
  // keep-alive timeout would close them under a request.
  const agent = new Agent({ keepAliveTimeout: 4_000, connections: 128 });

  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger,
    // Left on, every client could ask for query plans (internal topology).
    __exposeQueryPlanExperimental: false,
    buildService: ({ name }) => {
      const url = options.subgraphUrls[name];
      if (url === undefined) throw new Error(`no URL configured for subgraph "${name}"`);
      const timeoutMs = options.subgraphTimeoutsMs?.[name] ?? defaultTimeoutMs;
      return new SubgraphDataSource({
        name,
        url,
        signingKey,
        timeoutMs,
        fetcher: keepAliveFetcher(agent, timeoutMs),
      });
    },
  });

  const production = options.mode === 'production';
  const limits: QueryLimits = { ...DEFAULT_QUERY_LIMITS, ...options.limits };
  // The API schema the limits are checked against, as the gateway loaded it from the supergraph.
  let apiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: loaded }) => {
    apiSchema = loaded;
  });

  const metrics = options.metrics ?? createServiceMetrics('gateway');
  const rateLimiter = options.rateLimits ? await startRateLimiter(options.rateLimits, logger) : undefined;
  // Counted from the first request; stored and published once the broker is connected below.
  const apiCalls = options.kafka
    ? createApiCallTally(options.apiUsage?.windowSeconds ?? DEFAULT_API_USAGE.windowSeconds)
    : undefined;
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: production ? false : (options.introspection ?? true),
    // No "Did you mean …" in validation errors: they spell the schema out field by field. The
    // formatter strips what this leaves (variables' coercion errors).
    hideSchemaDetailsFromClientErrors: production,
    includeStacktraceInErrorResponses: false,
    formatError: gatewayErrorFormatter(production ? 'production' : 'development'),
    logger,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      redactionsPlugin<GatewayContext>(),
      // A read-only organization's API key may not run a mutation: refused before any subgraph is called.
      apiAccessPlugin(),
      costLimitPlugin<GatewayContext>(limits, rateLimiter ? chargeOperation(rateLimiter) : undefined),
      ...(apiCalls ? [apiCallsPlugin(apiCalls)] : []),
      requestTracePlugin<GatewayContext>({
        logger,
        isExpected: isExpectedGatewayError,
        describe: (error) => error,
      }),
    ],
  });
  try {
    await apollo.start();
  } catch (error) {
    await rateLimiter?.close();
    throw error;
  }

  const principals =
    'resolve' in options.principals
      ? options.principals
      : identityPrincipals({
          url: options.principals.url,
          signingKey,
          dispatcher: agent,
          ...(options.principals.ttlMs !== undefined ? { ttlMs: options.principals.ttlMs } : {}),
        });
  const messaging = options.kafka
    ? createKafkaMessaging({
        brokers: [...options.kafka.brokers],
        clientId: 'gateway',
        logger: messagingLogger(logger),
      })
    : undefined;
  let invalidation: { stop(): Promise<void> } | undefined;
  let apiUsage: ApiUsageMeter | undefined;
  let realtimeFeed: { stop(): Promise<void> } | undefined;
  const stopEverything = async () => {
    // Publishes what this replica counted, before the producer goes.
    await apiUsage?.close().catch((error: unknown) => {
      logger.warn({ err: error }, 'could not publish the last API call counts');
    });
    // Each leaves its consumer group and deletes it: side by side, not one after the other.
    await Promise.all([invalidation?.stop(), realtimeFeed?.stop()]);
    await messaging?.close();
    await apollo.stop();
    await agent.close();
    await rateLimiter?.close();
  };
  try {
    if (messaging && options.kafka) {
      invalidation = await startPrincipalInvalidation({
        messaging,
        topicPrefix: options.kafka.topicPrefix,
        principals,
        logger,
        observer: metrics.consumerObserver(),
      });
    }
    if (messaging && options.kafka && apiCalls) {
      const databaseUrl = options.apiUsage?.databaseUrl ?? options.rateLimits?.databaseUrl;
      apiUsage = await startApiUsageMeter({
        tally: apiCalls,
        producer: messaging.producer,
        topicPrefix: options.kafka.topicPrefix,
        logger,
        usage: { ...options.apiUsage, ...(databaseUrl ? { databaseUrl } : {}) },
        metrics,
      });
    }
  } catch (error) {
    await stopEverything();
    throw error;
  }
  const authenticate = createAuthenticator(options.jwks, principals, {
    trustedProxyHops: options.trustedProxyHops ?? 0,
  });
  let running: RunningServer;
  try {
    running = await startServiceServer({
      service: 'gateway',
      port: options.port,
      ...(options.host ? { host: options.host } : {}),
      logger,
      metrics,
      readiness: [
        ...subgraphReadiness(options.subgraphUrls, options.criticalSubgraphs ?? ['identity']),
        ...(options.readiness ?? []),
      ],
      routes: {
        // GraphiQL in development only, from the gateway's own dependencies.
        ...(production ? {} : ideRoutes()),
        [GRAPHQL_PATH]: withCors(
          new Set(options.corsOrigins ?? []),
          graphqlRoute<GatewayContext, GatewayAuth>({
            server: apollo,
            logger,
            authenticate,
            context: (base) => ({ ...base, requestDeadlineAt: Date.now() + requestDeadlineMs }),
            // A caller already over budget, an operation outside a partner key's safelist, then tokens, depth, aliases and directives: before Apollo
            // parses and validates the document.
            admit: (body, auth) => {
              const blocked = rateLimiter ? blockedRefusal(rateLimiter, auth) : null;
              if (blocked) throw blocked;
              const notAdmitted = safelistRefusal(body, auth) ?? persistedQueryMismatch(body);
              if (notAdmitted) throw notAdmitted;
              if (!apiSchema || typeof body !== 'object' || body === null || !('query' in body)) return body;
              const refusal = structuralRefusal(apiSchema, body.query, limits);
              if (!refusal) return body;
              throw new RequestRefusedError(400, refusal.code, refusal.message, { details: refusal.details });
            },
            ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
          }),
        ),
      },
    });
  } catch (error) {
    await stopEverything();
    throw error;
  }
  let realtime: RealtimeServer | undefined;
  if (messaging && options.kafka && options.realtime !== false) {
    const server = attachRealtimeServer({
      server: running.server,
      path: GRAPHQL_PATH,
      authenticate,
      logger,
      registry: metrics.registry,
      production,
      corsOrigins: new Set(options.corsOrigins ?? []),
      queryLimits: limits,
      ...(options.realtime ? { limits: options.realtime } : {}),
    });
    realtime = server;
    try {
      realtimeFeed = await startRealtimeFeed({
        messaging,
        topicPrefix: options.kafka.topicPrefix,
        logger,
        publish: (event) => server.publish(event),
        observer: metrics.consumerObserver(),
      });
    } catch (error) {
      await server.close();
      await running.close();
      await stopEverything();
      throw error;
    }
  }
  return {
    server: running.server,
    url: running.url,
    graphqlUrl: `${running.url}${GRAPHQL_PATH}`,
    async close() {
      // Open WebSockets first: the HTTP server's close waits for every connection to end.
      await realtime?.close();
      await running.close();
      await stopEverything();
    },
  };
}

/** How long a readiness probe waits for a subgraph's answer. */
const READINESS_PROBE_TIMEOUT_MS = 1_000;

/** One check per subgraph: its `/health/ready` answers 200 within a second. */
function subgraphReadiness(
  subgraphUrls: Readonly<Record<string, string>>,
  critical: readonly string[],
): ReadinessCheck[] {
  return Object.entries(subgraphUrls).map(([name, url]) => ({
    name: `subgraph ${name}`,
    critical: critical.includes(name),
    async check() {
      const probe = new URL('/health/ready', url);
      let status: number;
      try {
        status = (await fetch(probe, { signal: AbortSignal.timeout(READINESS_PROBE_TIMEOUT_MS) })).status;
      } catch (error) {
        throw new Error(`unreachable (${error instanceof Error ? error.name : 'error'})`);
      }
      if (status !== 200) throw new Error(`not ready (HTTP ${status})`);
    },
  }));
}
