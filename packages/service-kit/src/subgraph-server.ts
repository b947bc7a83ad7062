import type { IncomingMessage } from 'node:http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import type { DocumentNode } from 'graphql';
import { auditReadsPlugin, enforceAccess, redactionsPlugin } from './access';
import type { AuditRecorder } from './audit';
import { formatSubgraphError, isExpectedSubgraphError, originalErrorOf } from './graphql-errors';
import { AuthenticationError, graphqlRoute, requestTracePlugin, type RequestContext } from './graphql-http';
import { inputGuardPlugin } from './input-guard';
import {
  importInternalContextPublicKey,
  INTERNAL_CONTEXT_HEADER,
  InvalidInternalContextError,
  verifyInternalContext,
  type InternalContext,
  type InternalContextKeyInput,
} from './internal-context';
import {
  startServiceServer,
  type ReadinessCheck,
  type RouteHandler,
  type RunningServer,
} from './http-server';
import type { Logger } from './logger';
import type { ServiceMetrics } from './metrics';

export const GRAPHQL_PATH = '/graphql';

export interface SubgraphServerOptions<TContext extends BaseContext & RequestContext> {
  service: string;
  port: number;
  host?: string;
  logger: Logger;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<TContext>;
  readiness?: readonly ReadinessCheck[];
  /** The gateway's public key: a KeyLike, an Ed25519 JWK, or its JSON. */
  internalContextKey: InternalContextKeyInput;
  /** Builds each request's resolver context (fresh DataLoaders go here). Must return a new object. */
  context: (base: RequestContext) => TContext | Promise<TContext>;
  /** Extra unauthenticated routes by exact path, e.g. `/.well-known/jwks.json`. */
  routes?: Readonly<Record<string, RouteHandler>>;
  maxBodyBytes?: number;
  /** Records refused and failed operations and sensitive reads in the audit trail. */
  audit?: AuditRecorder;
  /** Served at `/metrics` (default: a registry of the server's own). */
  metrics?: ServiceMetrics;
}

export interface RunningSubgraph extends RunningServer {
  /** `<url>/graphql`: what the gateway calls. */
  graphqlUrl: string;
}

/**
 * One domain service's subgraph: `buildSubgraphSchema` under Apollo Server 5, served at
 * `POST /graphql` next to the unauthenticated health routes. Every GraphQL request must carry a valid
 * internal context from the gateway or is refused with 401 before Apollo sees it.
 */
export async function createSubgraphServer<TContext extends BaseContext & RequestContext>(
  options: SubgraphServerOptions<TContext>,
): Promise<RunningSubgraph> {
  const { logger } = options;
  const publicKey = await importInternalContextPublicKey(options.internalContextKey);

  const apollo = new ApolloServer<TContext>({
    // Every field that declares access (@permission, @signedIn, @public) is authorized by the kit.
    schema: enforceAccess(
      buildSubgraphSchema([{ typeDefs: options.typeDefs, resolvers: options.resolvers }]),
      options.audit,
    ),
    // The gateway is the public edge; introspection helps tooling that talks to a subgraph directly.
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: formatSubgraphError,
    logger,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      inputGuardPlugin<TContext>(),
      redactionsPlugin<TContext>(),
      ...(options.audit ? [auditReadsPlugin<TContext>(options.audit)] : []),
      requestTracePlugin<TContext>({
        logger,
        isExpected: isExpectedSubgraphError,
        describe: originalErrorOf,
      }),
    ],
  });
  await apollo.start();

  const authenticate = async (request: IncomingMessage): Promise<InternalContext> => {
    const token = request.headers[INTERNAL_CONTEXT_HEADER];
    if (typeof token !== 'string' || token.length === 0) {
      throw new AuthenticationError('missing internal context');
    }
    try {
      return (await verifyInternalContext(publicKey, token)).context;
    } catch (error) {
      if (error instanceof InvalidInternalContextError) throw new AuthenticationError(error.message);
      throw error;
    }
  };

  let running: RunningServer;
  try {
    running = await startServiceServer({
      service: options.service,
      port: options.port,
      ...(options.host ? { host: options.host } : {}),
      logger,
      readiness: options.readiness ?? [],
      ...(options.metrics ? { metrics: options.metrics } : {}),
      routes: {
        ...options.routes,
        [GRAPHQL_PATH]: graphqlRoute<TContext>({
          server: apollo,
          logger,
          authenticate,
          context: options.context,
          ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
        }),
      },
    });
  } catch (error) {
    await apollo.stop();
    throw error;
  }
  return {
    server: running.server,
    url: running.url,
    graphqlUrl: `${running.url}${GRAPHQL_PATH}`,
    async close() {
      await running.close();
      await apollo.stop();
    },
  };
}
