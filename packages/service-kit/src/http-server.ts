import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from './logger';

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
  /** Extra routes by exact path (`/graphql`, `/.well-known/jwks.json`); each checks its own method. */
  routes?: Readonly<Record<string, RouteHandler>>;
  /** Handles every request that is neither a health probe nor a route. */
  handler?: RouteHandler;
}

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

const LIVENESS_PATH = '/health/live';
const READINESS_PATH = '/health/ready';

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

/**
 * Starts the service's HTTP server. `/health/live` answers while the process runs; `/health/ready`
 * answers 200 only when every readiness check passes (503 with the failing checks otherwise). Both stay
 * unauthenticated; `routes` adds the service's own endpoints.
 */
export async function startServiceServer(options: ServiceServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
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
    const routes = options.routes;
    const route = routes && path !== undefined && Object.hasOwn(routes, path) ? routes[path] : undefined;
    const handler = route ?? options.handler;
    if (handler) {
      runHandler(handler, request, response, options.logger);
      return;
    }
    sendJson(response, 404, { error: { code: 'NOT_FOUND', message: `no route for ${path}` } });
  });
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
