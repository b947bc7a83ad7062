import { telemetryEnvironmentShape } from '@platform/service-kit';
import { z } from 'zod';
import { MAX_TRUSTED_PROXY_HOPS } from './authentication';

/** The gateway's settings: the only place that reads process.env. */
const subgraphUrl = (port: number) => z.url().default(`http://127.0.0.1:${port}/graphql`);

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  IDENTITY_URL: subgraphUrl(4001),
  CRM_URL: subgraphUrl(4002),
  CONVERSATIONS_URL: subgraphUrl(4003),
  BILLING_URL: subgraphUrl(4004),
  AUTOMATION_URL: subgraphUrl(4005),
  /** Where identity publishes the public keys of its access tokens. */
  IDENTITY_JWKS_URL: z.url().default('http://127.0.0.1:4001/.well-known/jwks.json'),
  /** Where identity says who a credential acts as (roles, permissions, organization status). */
  IDENTITY_PRINCIPAL_URL: z.url().default('http://127.0.0.1:4001/internal/principal'),
  /** How long a principal is cached when no identity event evicts it first. */
  PRINCIPAL_CACHE_TTL_MS: z.coerce.number().int().min(0).default(30_000),
  /** The broker identity publishes to (comma-separated); the gateway follows identity's events. */
  KAFKA_BROKERS: z.string().default('127.0.0.1:9092'),
  /** Prepended to every topic name (the services use the same). */
  TOPIC_PREFIX: z.string().default(''),
  /** The Ed25519 private JWK (JSON) that signs internal contexts; subgraphs hold its public half. */
  INTERNAL_CONTEXT_PRIVATE_JWK: z
    .string({
      error: 'INTERNAL_CONTEXT_PRIVATE_JWK is required: the Ed25519 private JWK (JSON) for internal contexts',
    })
    .min(1),
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Deadline of a whole client request: its subgraph calls one after another all end by then. */
  REQUEST_DEADLINE_MS: z.coerce.number().int().positive().default(15_000),
  /** The composed supergraph; defaults to gateway/supergraph.graphql. */
  SUPERGRAPH_PATH: z.string().optional(),
  /**
   * The one switch for production: introspection off, no field suggestions in errors (stack traces and
   * the landing page are off in every mode).
   */
  PLATFORM_ENV: z.enum(['development', 'production']).default('development'),
  /** Browser origins allowed to call the API (CORS), comma-separated, e.g. https://app.example.com. */
  CORS_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin.length > 0),
    ),
  /** Schema introspection at the public edge in development (frontend tooling uses it). */
  GRAPHQL_INTROSPECTION: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /**
   * @apollo/gateway reads this at construction: unless it is '1' or 'true', the gateway probes cloud
   * metadata addresses and reports usage to an outside host. Off unless someone opts in.
   */
  APOLLO_TELEMETRY_DISABLED: z.string().default('1'),
  /** Limits checked before execution (docs/public-api.md). */
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().positive().default(12),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().nonnegative().default(30),
  GRAPHQL_MAX_DIRECTIVES: z.coerce.number().int().nonnegative().default(20),
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().positive().default(2_000),
  GRAPHQL_MAX_COST: z.coerce.number().int().positive().default(10_000),
  /** Items a list without a `first` argument is assumed to hold when estimating cost. */
  GRAPHQL_ASSUMED_LIST_SIZE: z.coerce.number().int().positive().default(20),
  /**
   * The gateway's PostgreSQL database: the rate-limit counters every replica shares, and the API calls
   * counted for billing until they are published. Without it each replica counts alone, in memory
   * (required in production).
   */
  RATE_LIMIT_DATABASE_URL: z.url().optional(),
  /** API calls metered for billing: the counting window (one event per organization, window and replica). */
  API_USAGE_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  /** How often each replica stores its API call counts and publishes the windows that closed. */
  API_USAGE_FLUSH_MS: z.coerce.number().int().positive().default(5_000),
  /** Rate limits by cost (docs/public-api.md): window length and each caller's budget of cost points. */
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_API_KEY_POINTS: z.coerce.number().int().positive().default(100_000),
  RATE_LIMIT_USER_POINTS: z.coerce.number().int().positive().default(50_000),
  RATE_LIMIT_ANONYMOUS_POINTS: z.coerce.number().int().positive().default(5_000),
  /**
   * Proxies in front of the gateway that append the address they saw to `X-Forwarded-For` (a load
   * balancer: 1). The client address (anonymous rate limits, the audit trail) is the entry that many
   * from the right; 0 (default) trusts no forwarded header and takes the socket's peer.
   */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(MAX_TRUSTED_PROXY_HOPS).default(0),
  /**
   * Realtime subscriptions over WebSocket (gateway/README.md, Realtime): connections per organization and
   * per user or API key (per replica), subscriptions per connection, events and bytes a client may leave
   * unread before it is dropped (close code 4008), and how often an open connection's credentials are
   * checked again.
   */
  REALTIME_MAX_CONNECTIONS_PER_ORGANIZATION: z.coerce.number().int().positive().default(1_000),
  REALTIME_MAX_CONNECTIONS_PER_PRINCIPAL: z.coerce.number().int().positive().default(20),
  REALTIME_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().positive().default(20),
  REALTIME_MAX_QUEUED_EVENTS: z.coerce.number().int().positive().default(1_000),
  REALTIME_MAX_BUFFERED_BYTES: z.coerce.number().int().positive().default(1_048_576),
  REALTIME_REAUTHENTICATE_MS: z.coerce.number().int().positive().default(60_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** OpenTelemetry export (docs/observability.md); nothing is exported unless an endpoint is set. */
  ...telemetryEnvironmentShape,
});

const environmentSchema = schema.refine(
  (environment) =>
    environment.PLATFORM_ENV !== 'production' || environment.RATE_LIMIT_DATABASE_URL !== undefined,
  {
    path: ['RATE_LIMIT_DATABASE_URL'],
    message: 'production needs RATE_LIMIT_DATABASE_URL: replicas must share their rate-limit counters',
  },
);

export type Environment = z.infer<typeof environmentSchema>;

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid gateway environment:\n${z.prettifyError(parsed.error)}`);
  const environment = parsed.data;
  env['APOLLO_TELEMETRY_DISABLED'] = environment.APOLLO_TELEMETRY_DISABLED;
  return environment;
}

/**
 * Turns Apollo's vendor telemetry off unless the operator set the variable. createGateway calls it
 * before constructing ApolloGateway, so in-process users (tests, the bench) get the same default.
 */
export function applyVendorTelemetryDefaults(env: NodeJS.ProcessEnv = process.env): void {
  env['APOLLO_TELEMETRY_DISABLED'] ??= '1';
}
