import { IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { AuthenticationError, RequestRefusedError, type Logger } from '@platform/service-kit';
import {
  getOperationAST,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLFormattedError,
} from 'graphql';
import { CloseCode, handleProtocols, makeServer } from 'graphql-ws';
import { decodeJwt } from 'jose';
import { Counter, Gauge, type Registry } from 'prom-client';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { API_KEY_HEADER, API_KEY_PREFIX, type Authenticator, type GatewayAuth } from '../authentication';
import { structuralRefusal, type QueryLimits } from '../limits';
import { withoutSuggestions } from '../errors';
import { safelistRefusal } from '../safelists';
import {
  matches,
  REALTIME_FIELDS,
  type RealtimeEvent,
  type RealtimeField,
  type RealtimeFilter,
} from './events';
import { buildRealtimeSchema } from './schema';

/**
 * The realtime endpoint: GraphQL subscriptions over WebSocket (the graphql-transport-ws protocol of the
 * `graphql-ws` package, on the `ws` server) on the gateway's own HTTP server and path. A client
 * authenticates in `connection_init` with the credentials it sends to POST /graphql, needs
 * `conversations:read`, and receives its own organization's events only. Events are pushed by the Kafka
 * feed (feed.ts) through `publish`; each connection buffers a bounded number of them, and a client that
 * does not read them fast enough is dropped, never buffered without bound.
 */

/** The limits of the realtime endpoint (gateway environment: REALTIME_*). */
export interface RealtimeLimits {
  /** Open connections of one organization, per gateway replica. */
  maxConnectionsPerOrganization: number;
  /** Open connections of one user or API key, per gateway replica. */
  maxConnectionsPerPrincipal: number;
  /** Subscriptions (and queries) one connection holds at once. */
  maxSubscriptionsPerConnection: number;
  /**
   * Events one connection may hold that were not yet written to its socket; one more and the client is
   * dropped (4008). A reading client holds none for longer than a burst of events takes to write.
   */
  maxQueuedEvents: number;
  /**
   * Bytes one connection may hold unsent: written to its socket but not taken by the network (the
   * client stopped reading, or reads too slowly), plus its queued events. One more event over it and the
   * client is dropped (4008).
   */
  maxBufferedBytes: number;
  /** How often an open connection's credentials are checked again (revoked key, removed permission…). */
  reauthenticateIntervalMs: number;
}

export const DEFAULT_REALTIME_LIMITS: RealtimeLimits = {
  maxConnectionsPerOrganization: 1_000,
  maxConnectionsPerPrincipal: 20,
  maxSubscriptionsPerConnection: 20,
  maxQueuedEvents: 1_000,
  maxBufferedBytes: 1_048_576,
  reauthenticateIntervalMs: 60_000,
};

/**
 * Close codes. 4401, 4403 and 4500 are graphql-ws's own (Unauthorized, Forbidden, Internal server
 * error); the others mirror a standard code (1008 policy violation, 1013 try again later) or an HTTP
 * status (503). 1001 (going away): the gateway is shutting down.
 */
export const REALTIME_CLOSE_CODES = {
  /** No credentials, invalid ones, or the access token expired (also on an open connection). */
  unauthorized: 4401,
  /** Authenticated without the `conversations:read` permission (also when it is removed later). */
  forbidden: 4403,
  /** The client did not read its events fast enough: over `maxBufferedBytes` or `maxQueuedEvents`. */
  slowConsumer: 4008,
  /** Over `maxConnectionsPerOrganization` or `maxConnectionsPerPrincipal`; retry later. */
  tooManyConnections: 4013,
  /** Authentication is temporarily unavailable (identity unreachable); retry with backoff. */
  unavailable: 4503,
} as const;

/** The error code of a subscription refused because its connection holds the maximum already. */
export const TOO_MANY_SUBSCRIPTIONS = 'TOO_MANY_SUBSCRIPTIONS';
/** The permission a realtime connection needs. */
export const REALTIME_PERMISSION = 'conversations:read';
/** The largest message a client may send (a subscribe message with its document). */
const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;
/** How long a dropped client has to complete the close handshake before its socket is destroyed. */
const CLOSE_GRACE_MS = 5_000;
/** WebSocket pings keep idle connections (and the proxies in between) alive and find dead peers. */
const KEEP_ALIVE_MS = 12_000;
/** The graphql-transport-ws `next` message around a payload: id, type, data and field name. */
const MESSAGE_OVERHEAD_BYTES = 80;
/** A close reason is at most 123 bytes (RFC 6455). */
const MAX_CLOSE_REASON = 120;

/** What one event looks like to graphql-js: the subscription field's value. */
type RootItem = Partial<Record<RealtimeField, RealtimeEvent['payload']>>;

/**
 * One subscription's events, waiting for graphql-ws to pull them. graphql-ws pulls the next event only
 * once the previous one was written to the socket, so a client that stops reading leaves its events here,
 * where `publish` counts them against the limit.
 */
class EventQueue implements AsyncIterableIterator<RootItem> {
  private readonly items: Array<{ item: RootItem; bytes: number }> = [];
  /** The approximate size of the events waiting, as they will be sent. */
  bytes = 0;
  private waiting: ((result: IteratorResult<RootItem>) => void) | null = null;
  private ended = false;

  constructor(
    readonly filter: RealtimeFilter,
    private readonly onTaken: (field: RealtimeField) => void,
    private readonly onEnded: (queue: EventQueue) => void,
  ) {}

  get size(): number {
    return this.items.length;
  }

  push(item: RootItem, bytes: number): void {
    if (this.ended) return;
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = null;
      this.onTaken(this.filter.field);
      waiting({ value: item, done: false });
      return;
    }
    this.items.push({ item, bytes });
    this.bytes += bytes;
  }

  next(): Promise<IteratorResult<RootItem>> {
    const first = this.items.shift();
    if (first !== undefined) {
      this.bytes -= first.bytes;
      this.onTaken(this.filter.field);
      return Promise.resolve({ value: first.item, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<RootItem>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.items.length = 0;
    this.bytes = 0;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.({ value: undefined, done: true });
    this.onEnded(this);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** An authenticated connection: whose it is, its subscriptions, and when its token expires. */
class RealtimeConnection {
  readonly queues = new Set<EventQueue>();
  closed = false;
  timers: NodeJS.Timeout[] = [];

  constructor(
    readonly socket: WebSocket,
    readonly auth: GatewayAuth & { organizationId: string },
    /** The user or API key, for the per-principal connection limit. */
    readonly principal: string,
    /** When the access token expires (ms since the epoch); null for an API key. */
    readonly expiresAt: number | null,
    private readonly onTaken: (field: RealtimeField) => void,
  ) {}

  /** Events waiting for the socket, across the connection's subscriptions, and their bytes. */
  queued(): { events: number; bytes: number } {
    let events = 0;
    let bytes = 0;
    for (const queue of this.queues) {
      events += queue.size;
      bytes += queue.bytes;
    }
    return { events, bytes };
  }

  subscribe(filter: Omit<RealtimeFilter, 'organizationId'>): EventQueue {
    const queue = new EventQueue(
      { ...filter, organizationId: this.auth.organizationId },
      this.onTaken,
      (ended) => this.queues.delete(ended),
    );
    if (this.closed) queue.end();
    else this.queues.add(queue);
    return queue;
  }
}

export interface RealtimeServerOptions {
  /** The gateway's HTTP server: the endpoint answers its WebSocket upgrades on `path`. */
  server: Server;
  path: string;
  /** The gateway's authenticator (the same as for POST /graphql). */
  authenticate: Authenticator;
  logger: Logger;
  /** Where the realtime series go (the gateway's /metrics registry). */
  registry: Registry;
  /** Production: no introspection, no field suggestions, no internal error messages in close reasons. */
  production: boolean;
  /** Browser origins allowed (the gateway's CORS list); a request without Origin is not a browser's. */
  corsOrigins: ReadonlySet<string>;
  /** The gateway's depth, alias, directive and token limits, applied to subscription documents too. */
  queryLimits: QueryLimits;
  limits?: Partial<RealtimeLimits>;
  now?: () => number;
}

export interface RealtimeServer {
  /** Delivers an event to the subscriptions of its organization that match it. */
  publish(event: RealtimeEvent): void;
  /** Open, authenticated connections. */
  connectionCount(): number;
  /** Closes every connection (1001) and stops answering upgrades. */
  close(): Promise<void>;
}

type Refusal = { code: number; reason: string; metric: string };

/** The connection_init payload's credentials as the request headers the authenticator reads. */
function credentialHeaders(params: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    const lower = name.toLowerCase();
    if (typeof value !== 'string') continue;
    if (lower === 'authorization') headers['authorization'] = value;
    if (lower === API_KEY_HEADER || lower === 'apikey') headers[API_KEY_HEADER] = value;
  }
  return headers;
}

/** When a bearer access token expires (already verified by the authenticator); null for an API key. */
function tokenExpiry(headers: Record<string, string>): number | null {
  const token = /^Bearer[ ]+(\S+)$/i.exec(headers['authorization'] ?? '')?.[1];
  if (token === undefined || token.startsWith(API_KEY_PREFIX)) return null;
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

function closeReason(message: string): string {
  return Buffer.byteLength(message) <= MAX_CLOSE_REASON
    ? message
    : `${message.slice(0, MAX_CLOSE_REASON - 3)}...`;
}

/** Why a credential may not hold a realtime connection, as a close code. */
function refusalOf(error: unknown): Refusal | null {
  if (error instanceof AuthenticationError) {
    return { code: REALTIME_CLOSE_CODES.unauthorized, reason: error.message, metric: 'unauthorized' };
  }
  if (error instanceof RequestRefusedError && error.status === 503) {
    return { code: REALTIME_CLOSE_CODES.unavailable, reason: error.message, metric: 'unavailable' };
  }
  if (error instanceof RequestRefusedError) {
    return { code: REALTIME_CLOSE_CODES.unauthorized, reason: error.message, metric: 'unauthorized' };
  }
  return null;
}

/** Whether an authenticated caller may hold a realtime connection, as a refusal or null. */
function accessRefusal(auth: GatewayAuth): Refusal | null {
  if (auth.organizationId === null || (auth.userId === null && auth.apiKeyId === null)) {
    return {
      code: REALTIME_CLOSE_CODES.unauthorized,
      reason: 'credentials required: send { authorization: "Bearer <token>" } in connection_init',
      metric: 'unauthorized',
    };
  }
  if (!auth.permissions.includes(REALTIME_PERMISSION)) {
    return {
      code: REALTIME_CLOSE_CODES.forbidden,
      reason: `the ${REALTIME_PERMISSION} permission is required`,
      metric: 'forbidden',
    };
  }
  return null;
}

/** A client message as text (the protocol's messages are JSON text). */
function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

const stringArgument = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Serves the realtime endpoint on the gateway's HTTP server. */
export function attachRealtimeServer(options: RealtimeServerOptions): RealtimeServer {
  const limits: RealtimeLimits = { ...DEFAULT_REALTIME_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const { logger } = options;
  const schema = buildRealtimeSchema();
  const connections = new Map<WebSocket, RealtimeConnection>();
  const byOrganization = new Map<string, Set<RealtimeConnection>>();
  const byPrincipal = new Map<string, number>();
  let stopped = false;

  const registers = [options.registry];
  new Gauge({
    name: 'realtime_connections',
    help: 'Open realtime (WebSocket) connections that passed authentication.',
    registers,
    collect() {
      this.set(connections.size);
    },
  });
  new Gauge({
    name: 'realtime_subscriptions',
    help: 'Active realtime subscriptions, across connections.',
    registers,
    collect() {
      let total = 0;
      for (const connection of connections.values()) total += connection.queues.size;
      this.set(total);
    },
  });
  const delivered = new Counter({
    name: 'realtime_events_delivered_total',
    help: 'Events handed to realtime clients, by subscription field.',
    labelNames: ['field'] as const,
    registers,
  });
  const dropped = new Counter({
    name: 'realtime_clients_dropped_total',
    help: 'Open realtime connections the gateway closed, by reason (slow_consumer, token_expired, unauthorized, forbidden).',
    labelNames: ['reason'] as const,
    registers,
  });
  const refused = new Counter({
    name: 'realtime_connections_refused_total',
    help: 'Realtime connections refused at connection_init, by reason (unauthorized, forbidden, too_many_connections, unavailable).',
    labelNames: ['reason'] as const,
    registers,
  });
  const onTaken = (field: RealtimeField) => delivered.inc({ field });

  function unregister(connection: RealtimeConnection): void {
    if (connections.get(connection.socket) !== connection) return;
    connections.delete(connection.socket);
    const organization = byOrganization.get(connection.auth.organizationId);
    organization?.delete(connection);
    if (organization?.size === 0) byOrganization.delete(connection.auth.organizationId);
    const left = (byPrincipal.get(connection.principal) ?? 1) - 1;
    if (left <= 0) byPrincipal.delete(connection.principal);
    else byPrincipal.set(connection.principal, left);
    for (const timer of connection.timers) clearTimeout(timer);
    for (const queue of [...connection.queues]) queue.end();
  }

  /** Closes a connection from the gateway's side; its queued events are freed at once. */
  function drop(connection: RealtimeConnection, code: number, reason: string, metric: string | null): void {
    if (connection.closed) return;
    connection.closed = true;
    unregister(connection);
    if (metric) dropped.inc({ reason: metric });
    const { socket } = connection;
    socket.close(code, closeReason(reason));
    // A client that does not read never answers the close handshake: its socket goes after a grace period.
    const grace = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
    grace.unref();
    socket.once('close', () => clearTimeout(grace));
  }

  async function authenticateConnection(
    upgrade: IncomingMessage,
    headers: Record<string, string>,
  ): Promise<GatewayAuth> {
    // The authenticator reads a request: the upgrade's connection and user agent, with the credentials
    // of connection_init as its headers (browsers cannot set headers on a WebSocket).
    const request = new IncomingMessage(upgrade.socket);
    const agent = upgrade.headers['user-agent'];
    request.headers = { ...headers, ...(agent ? { 'user-agent': agent } : {}) };
    return options.authenticate(request);
  }

  /** Checks an open connection's credentials again; closes it when they no longer hold. */
  async function reauthenticate(
    connection: RealtimeConnection,
    upgrade: IncomingMessage,
    headers: Record<string, string>,
  ): Promise<void> {
    let refusal: Refusal | null;
    try {
      const auth = await authenticateConnection(upgrade, headers);
      refusal =
        auth.organizationId === connection.auth.organizationId
          ? accessRefusal(auth)
          : { code: REALTIME_CLOSE_CODES.forbidden, reason: 'the organization changed', metric: 'forbidden' };
    } catch (error) {
      refusal = refusalOf(error);
      // identity unreachable, or an unexpected failure: the connection stays until the next check.
      if (refusal?.metric === 'unavailable' || refusal === null) {
        logger.warn({ err: error }, 'could not check a realtime connection again');
        return;
      }
    }
    if (refusal) drop(connection, refusal.code, refusal.reason, refusal.metric);
  }

  async function admit(
    socket: WebSocket,
    upgrade: IncomingMessage,
    params: Readonly<Record<string, unknown>> | undefined,
  ): Promise<Refusal | null> {
    const headers = credentialHeaders(params);
    let auth: GatewayAuth;
    try {
      auth = await authenticateConnection(upgrade, headers);
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal) return refusal;
      logger.error({ err: error }, 'realtime authentication failed');
      return { code: CloseCode.InternalServerError, reason: 'internal server error', metric: 'internal' };
    }
    const refusal = accessRefusal(auth);
    if (refusal) return refusal;
    const { organizationId } = auth;
    // accessRefusal admits only a user or an API key of an organization.
    if (organizationId === null) return null;
    const principal = auth.apiKeyId !== null ? `api_key:${auth.apiKeyId}` : `user:${String(auth.userId)}`;
    if (
      (byOrganization.get(organizationId)?.size ?? 0) >= limits.maxConnectionsPerOrganization ||
      (byPrincipal.get(principal) ?? 0) >= limits.maxConnectionsPerPrincipal
    ) {
      return {
        code: REALTIME_CLOSE_CODES.tooManyConnections,
        reason: 'too many realtime connections; retry later',
        metric: 'too_many_connections',
      };
    }
    const expiresAt = tokenExpiry(headers);
    if (expiresAt !== null && expiresAt <= now()) {
      return {
        code: REALTIME_CLOSE_CODES.unauthorized,
        reason: 'access token expired',
        metric: 'unauthorized',
      };
    }
    // The client may have gone while it was authenticated.
    if (socket.readyState !== socket.OPEN || stopped) return null;
    const connection = new RealtimeConnection(
      socket,
      { ...auth, organizationId },
      principal,
      expiresAt,
      onTaken,
    );
    connections.set(socket, connection);
    let organization = byOrganization.get(organizationId);
    if (!organization) {
      organization = new Set();
      byOrganization.set(organizationId, organization);
    }
    organization.add(connection);
    byPrincipal.set(principal, (byPrincipal.get(principal) ?? 0) + 1);
    socket.once('close', () => unregister(connection));
    if (expiresAt !== null) {
      // Timers hold at most ~24.8 days; access tokens live minutes.
      const expiry = setTimeout(
        () => drop(connection, REALTIME_CLOSE_CODES.unauthorized, 'access token expired', 'token_expired'),
        Math.min(Math.max(expiresAt - now(), 0), 2_147_483_647),
      );
      expiry.unref();
      connection.timers.push(expiry);
    }
    const recheck = setInterval(() => {
      void reauthenticate(connection, upgrade, headers);
    }, limits.reauthenticateIntervalMs);
    recheck.unref();
    connection.timers.push(recheck);
    return null;
  }

  const subscriptionRoot = Object.fromEntries(
    REALTIME_FIELDS.map((field) => [
      field,
      (args: Record<string, unknown>, context: unknown) => {
        if (!(context instanceof RealtimeConnection)) throw new Error('no realtime connection');
        const direction = stringArgument(args['direction']);
        return context.subscribe({
          field,
          conversationId: stringArgument(args['conversationId']),
          direction: direction === 'inbound' || direction === 'outbound' ? direction : null,
        });
      },
    ]),
  );
  const queryRoot = {
    realtimeConnection: (_args: unknown, context: unknown) => {
      if (!(context instanceof RealtimeConnection)) throw new Error('no realtime connection');
      return {
        organizationId: context.auth.organizationId,
        expiresAt: context.expiresAt === null ? null : new Date(context.expiresAt).toISOString(),
        maxSubscriptions: limits.maxSubscriptionsPerConnection,
        maxQueuedEvents: limits.maxQueuedEvents,
      };
    },
  };
  const rules = options.production ? [...specifiedRules, NoSchemaIntrospectionCustomRule] : specifiedRules;
  // As the HTTP endpoint in production: no "Did you mean …" spelling the schema out, whether from
  // validation or from the variables' coercion (which execution reports).
  const message = (text: string) => (options.production ? withoutSuggestions(text) : text);
  const shown = (errors: readonly GraphQLError[]): GraphQLError[] =>
    errors.map(
      (error) =>
        new GraphQLError(message(error.message), {
          nodes: error.nodes ?? null,
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        }),
    );
  const quiet = (errors: readonly GraphQLFormattedError[]): GraphQLFormattedError[] =>
    errors.map((error) => ({ ...error, message: message(error.message) }));
  // Execution's errors without a path are the request's (its variables do not fit): typed as the HTTP
  // endpoint types them.
  const typed = (error: GraphQLError): GraphQLFormattedError => {
    const formatted = error.toJSON();
    if (formatted.path !== undefined || formatted.extensions?.['code'] !== undefined) return formatted;
    return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
  };

  const webSockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_CLIENT_MESSAGE_BYTES,
    handleProtocols,
  });
  const graphqlWs = makeServer<Record<string, unknown>, { socket: WebSocket; request: IncomingMessage }>({
    async onConnect(context) {
      const { socket, request } = context.extra;
      const refusal = await admit(socket, request, context.connectionParams);
      if (refusal) {
        refused.inc({ reason: refusal.metric });
        socket.close(refusal.code, closeReason(refusal.reason));
        return false;
      }
      if (!connections.has(socket)) return false;
      return true;
    },
    onSubscribe(context, _id, payload): ExecutionArgs | readonly GraphQLError[] {
      const connection = connections.get(context.extra.socket);
      if (!connection)
        return [new GraphQLError('not connected', { extensions: { code: 'UNAUTHENTICATED' } })];
      if (Object.keys(context.subscriptions).length > limits.maxSubscriptionsPerConnection) {
        return [
          new GraphQLError(
            `A connection holds at most ${limits.maxSubscriptionsPerConnection} subscriptions.`,
            {
              extensions: {
                code: TOO_MANY_SUBSCRIPTIONS,
                details: { max: limits.maxSubscriptionsPerConnection },
              },
            },
          ),
        ];
      }
      // A partner key bound to a manifest subscribes with the manifest's operations only, as it queries.
      const notSafelisted = safelistRefusal({ query: payload.query }, connection.auth);
      if (notSafelisted) {
        return [
          new GraphQLError(notSafelisted.message, {
            extensions: { code: notSafelisted.code, details: notSafelisted.details },
          }),
        ];
      }
      const refusal = structuralRefusal(schema, payload.query, options.queryLimits);
      if (refusal) return [refusal];
      let document: DocumentNode;
      try {
        document = parse(payload.query, { maxTokens: options.queryLimits.maxTokens });
      } catch (error) {
        if (error instanceof GraphQLError) {
          return [new GraphQLError(error.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
        }
        throw error;
      }
      const errors = validate(schema, document, rules);
      if (errors.length > 0) return shown(errors);
      const operation = getOperationAST(document, payload.operationName ?? undefined);
      if (!operation) {
        return [
          new GraphQLError('Name the operation to run (operationName).', {
            extensions: { code: 'BAD_USER_INPUT' },
          }),
        ];
      }
      return {
        schema,
        document,
        operationName: payload.operationName ?? null,
        variableValues: payload.variables ?? null,
        contextValue: connection,
        rootValue: operation.operation === OperationTypeNode.SUBSCRIPTION ? subscriptionRoot : queryRoot,
      };
    },
    onError(_context, _id, _payload, errors) {
      return options.production ? quiet(errors.map((error) => error.toJSON())) : undefined;
    },
    onNext(_context, _id, _payload, _args, result) {
      if (!result.errors) return undefined;
      return {
        ...(result.data !== undefined ? { data: result.data } : {}),
        ...(result.extensions !== undefined ? { extensions: result.extensions } : {}),
        errors: quiet(result.errors.map(typed)),
      };
    },
  });
  // graphql-ws's own `ws` adapter waits for each message to reach the kernel before it takes the next
  // event, which leaves every burst queued; this one writes and moves on, so what a client does not
  // read piles up in its socket's buffer, where `publish` weighs it against maxBufferedBytes.
  webSockets.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    socket.on('error', (error) => {
      logger.warn({ err: error }, 'realtime socket error');
      socket.terminate();
    });
    let alive = true;
    const keepAlive = setInterval(() => {
      if (!alive) {
        socket.terminate();
        return;
      }
      alive = false;
      socket.ping();
    }, KEEP_ALIVE_MS);
    keepAlive.unref();
    socket.on('pong', () => {
      alive = true;
    });
    const closed = graphqlWs.opened(
      {
        protocol: socket.protocol,
        send(data) {
          if (socket.readyState === socket.OPEN) socket.send(data);
        },
        close: (code, reason) => socket.close(code, reason),
        onMessage(handle) {
          socket.on('message', (data: RawData) => {
            handle(textOf(data)).catch((error: unknown) => {
              logger.error({ err: error }, 'realtime message handling failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          });
        },
      },
      { socket, request },
    );
    socket.once('close', (code: number, reason: Buffer) => {
      clearInterval(keepAlive);
      closed(code, reason.toString('utf8')).catch((error: unknown) => {
        logger.warn({ err: error }, 'realtime connection cleanup failed');
      });
    });
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://gateway').pathname;
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    if (stopped || path !== options.path) return refuse('404 Not Found');
    // Credentials travel in connection_init, never in cookies; still, a browser page of another origin
    // has no business here (the HTTP endpoint's CORS list decides for both).
    const origin = request.headers.origin;
    if (origin !== undefined && !options.corsOrigins.has(origin)) return refuse('403 Forbidden');
    webSockets.handleUpgrade(request, socket, head, (webSocket) => {
      webSockets.emit('connection', webSocket, request);
    });
  };
  options.server.on('upgrade', onUpgrade);

  return {
    publish(event) {
      const organization = byOrganization.get(event.organizationId);
      if (!organization) return;
      const item: RootItem = { [event.field]: event.payload };
      // What one event costs a connection's buffers: its payload and the protocol's envelope around it.
      const bytes = Buffer.byteLength(JSON.stringify(event.payload)) + MESSAGE_OVERHEAD_BYTES;
      for (const connection of organization) {
        const targets = [...connection.queues].filter((queue) => matches(queue.filter, event));
        if (targets.length === 0) continue;
        if (connection.expiresAt !== null && connection.expiresAt <= now()) {
          drop(connection, REALTIME_CLOSE_CODES.unauthorized, 'access token expired', 'token_expired');
          continue;
        }
        const queued = connection.queued();
        if (
          queued.events + targets.length > limits.maxQueuedEvents ||
          connection.socket.bufferedAmount + queued.bytes + bytes * targets.length > limits.maxBufferedBytes
        ) {
          drop(
            connection,
            REALTIME_CLOSE_CODES.slowConsumer,
            'slow consumer: events were not read fast enough',
            'slow_consumer',
          );
          continue;
        }
        for (const queue of targets) queue.push(item, bytes);
      }
    },
    connectionCount: () => connections.size,
    async close() {
      if (stopped) return;
      stopped = true;
      options.server.off('upgrade', onUpgrade);
      for (const connection of [...connections.values()]) {
        drop(connection, 1001, 'the gateway is shutting down', null);
      }
      for (const socket of webSockets.clients) socket.close(1001, 'the gateway is shutting down');
      const sockets = [...webSockets.clients];
      // A client that does not read never completes the close handshake.
      const terminate = setTimeout(() => sockets.forEach((socket) => socket.terminate()), 1_000);
      await new Promise<void>((resolve) => webSockets.close(() => resolve()));
      clearTimeout(terminate);
    },
  };
}
