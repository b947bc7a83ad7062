import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  context,
  INVALID_SPAN_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import type { Logger } from './logger';
import { createServiceMetrics, type ServiceMetrics } from './metrics';
import { contextFromHeaders, tracerFor } from './telemetry';

/** A dependency the service needs before it can take traffic (its database, its broker, …). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
  /**
   * Default true: failing, the service is not ready (503). False: the service still works without it,
   * partly; failing, it is ready but `degraded`, and the report names what is missing.
   */
  critical?: boolean;
}

/** Handles one HTTP request; a rejected promise becomes a logged 500. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

export interface ServiceServerOptions {
  service: string;
  port: number;
  host?: string;
  logger: Logger;
  readiness: readonly ReadinessCheck[];
  /**
   * Extra routes by exact path (`/graphql`, `/.well-known/jwks.json`), or by prefix (`/webhooks/channels/*`
   * serves every path below `/webhooks/channels/`; the handler reads the rest from the URL); each checks
   * its own method. Metrics and spans label a request by its pattern, so the series stay bounded.
   */
  routes?: Readonly<Record<string, RouteHandler>>;
  /** Handles every request that is neither a health probe nor a route. */
  handler?: RouteHandler;
  /** The service's metrics, served at `/metrics` (default: a registry of the server's own). */
  metrics?: ServiceMetrics;
}

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

const LIVENESS_PATH = '/health/live';
const READINESS_PATH = '/health/ready';
/** Prometheus scrapes it; unauthenticated like the health probes (keep it off the public ingress). */
export const METRICS_PATH = '/metrics';

/** What the server knows of a request in flight, for the route handling it (the GraphQL route's metrics). */
export interface ServedRequest {
  metrics: ServiceMetrics;
  /** The request's server span (non-recording when tracing is not installed or for probes). */
  span: Span;
}

const served = new WeakMap<IncomingMessage, ServedRequest>();

/** The server's view of `request`, when it came through `startServiceServer`. */
export function servedRequest(request: IncomingMessage): ServedRequest | undefined {
  return served.get(request);
}

/** Writes a JSON response (not cached: health and API answers describe this instant). */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
  });
  response.end(payload);
}

/**
 * A request's body as bytes, or null when it is longer than `limit` (by its Content-Length, or once
 * that many bytes have arrived): webhook routes verify signatures over the exact bytes sent.
 */
export async function readRawBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) return null;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Runs every readiness check; a failing critical one makes the service not ready, a failing other one
 * degraded, and each says why.
 */
export async function readinessReport(
  checks: readonly ReadinessCheck[],
): Promise<{ ready: boolean; degraded: boolean; checks: Record<string, string> }> {
  const results = await Promise.all(
    checks.map(async (check) => {
      try {
        await check.check();
        return [check.name, 'ok'] as const;
      } catch (error) {
        return [check.name, error instanceof Error ? error.message : String(error)] as const;
      }
    }),
  );
  const failing = (critical: boolean) =>
    results.some(([, status], index) => status !== 'ok' && (checks[index]?.critical ?? true) === critical);
  return { ready: !failing(true), degraded: failing(false), checks: Object.fromEntries(results) };
}

function runHandler(
  handler: RouteHandler,
  request: IncomingMessage,
  response: ServerResponse,
  logger: Logger,
): void {
  const fail = (error: unknown): void => {
    logger.error({ err: error, url: request.url }, 'request handler failed');
    if (!response.headersSent) {
      sendJson(response, 500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } });
    } else {
      response.destroy();
    }
  };
  try {
    const result = handler(request, response);
    if (result) result.catch(fail);
  } catch (error) {
    fail(error);
  }
}

/** How long an idle keep-alive connection stays open (over the 60 s idle timeout of common load balancers). */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * Starts the service's HTTP server. `/health/live` answers while the process runs; `/health/ready`
 * answers 200 only when every readiness check passes (503 with the failing checks otherwise). Both stay
 * unauthenticated; `routes` adds the service's own endpoints.
 */
export async function startServiceServer(options: ServiceServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const metrics = options.metrics ?? createServiceMetrics(options.service);
  const tracer = tracerFor(options.service);
  const routes = options.routes;
  // `/webhooks/channels/*` matches every path below `/webhooks/channels/`; its handler reads the rest.
  const prefixes = Object.keys(routes ?? {})
    .filter((pattern) => pattern.endsWith('/*'))
    .map((pattern) => ({ pattern, prefix: pattern.slice(0, -1) }));
  /** The route pattern a path is served by (an exact path, or a `…/*` prefix), if any. */
  const patternOf = (path: string): string | undefined => {
    if (routes && Object.hasOwn(routes, path)) return path;
    return prefixes.find(({ prefix }) => path.startsWith(prefix) && path.length > prefix.length)?.pattern;
  };
  const routeOf = (path: string | undefined): string => {
    if (path === undefined) return 'unmatched';
    if (path === LIVENESS_PATH || path === READINESS_PATH || path === METRICS_PATH) return path;
    const pattern = patternOf(path);
    if (pattern !== undefined) return pattern;
    // Any other path is a client's choice: one label for all of them keeps the series bounded.
    return options.handler ? 'default' : 'unmatched';
  };
  const server = createServer((request, response) => {
    const startedAt = performance.now();
    const path = (request.url ?? '/').split('?')[0];
    const route = routeOf(path);
    const method = request.method ?? 'GET';
    // Probes and scrapes come every few seconds and say nothing about the service's work: no span.
    const probe = route === LIVENESS_PATH || route === READINESS_PATH || route === METRICS_PATH;
    const parent = contextFromHeaders(request.headers);
    const span = probe
      ? trace.wrapSpanContext(INVALID_SPAN_CONTEXT)
      : tracer.startSpan(
          `${method} ${route}`,
          {
            kind: SpanKind.SERVER,
            attributes: { 'http.request.method': method, 'http.route': route, 'url.path': path ?? '/' },
          },
          parent,
        );
    served.set(request, { metrics, span });
    response.once('close', () => {
      // A response closed before it finished was abandoned by the client (nginx's 499).
      const status = response.writableFinished ? response.statusCode : 499;
      metrics.recordHttpRequest({ route, method, status, seconds: (performance.now() - startedAt) / 1000 });
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), () => serve(request, response, path));
  });
  const serve = (request: IncomingMessage, response: ServerResponse, path: string | undefined): void => {
    if (path === METRICS_PATH) {
      serveMetrics(metrics, request, response, options.logger);
      return;
    }
    if (path === LIVENESS_PATH) {
      sendJson(response, 200, { status: 'ok', service: options.service });
      return;
    }
    if (path === READINESS_PATH) {
      readinessReport(options.readiness).then(
        (report) =>
          sendJson(response, report.ready ? 200 : 503, {
            status: !report.ready ? 'not_ready' : report.degraded ? 'degraded' : 'ready',
            service: options.service,
            checks: report.checks,
          }),
        (error: unknown) => {
          options.logger.error({ err: error }, 'readiness check crashed');
          sendJson(response, 503, { status: 'not_ready', service: options.service });
        },
      );
      return;
    }
    const pattern = path === undefined ? undefined : patternOf(path);
    const route = routes && pattern !== undefined ? routes[pattern] : undefined;
    const handler = route ?? options.handler;
    if (handler) {
      runHandler(handler, request, response, options.logger);
      return;
    }
    sendJson(response, 404, { error: { code: 'NOT_FOUND', message: `no route for ${path}` } });
  };
  // Idle keep-alive connections stay open longer than a client or load balancer keeps them (Node's
  // 5 s default is shorter than most): the client, not the server, then closes an idle connection, so
  // a request never races the server closing its socket (the client sees ECONNRESET / "fetch failed").
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${host}:${port}`;
  options.logger.info({ url }, `${options.service} listening`);
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

/** `GET /metrics`: the Prometheus text exposition of the service's registry. */
function serveMetrics(
  metrics: ServiceMetrics,
  request: IncomingMessage,
  response: ServerResponse,
  logger: Logger,
): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    sendJson(response, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'use GET for /metrics' } });
    return;
  }
  metrics.exposition().then(
    ({ contentType, body }) => {
      response.writeHead(200, {
        'content-type': contentType,
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
      });
      response.end(request.method === 'HEAD' ? undefined : body);
    },
    (error: unknown) => {
      logger.error({ err: error }, 'collecting metrics failed');
      sendJson(response, 500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'metrics unavailable' } });
    },
  );
}
