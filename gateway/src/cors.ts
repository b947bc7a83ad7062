import type { RouteHandler } from '@platform/service-kit';

/** Request headers a browser client may send. */
const ALLOWED_HEADERS = 'authorization, content-type, x-api-key, x-request-id';
/** Response headers a browser client may read. */
const EXPOSED_HEADERS = 'x-request-id, retry-after, ratelimit, ratelimit-policy';

/**
 * CORS for the GraphQL route, by allow-list: a request from an allowed origin gets
 * `Access-Control-Allow-Origin` naming it (never `*`; credentials are headers, not cookies, so no
 * `Allow-Credentials`); a preflight (`OPTIONS`) is answered here, 204, with the methods and headers the
 * API takes. Other origins get no CORS headers, so browsers keep their pages from reading answers.
 */
export function withCors(origins: ReadonlySet<string>, handler: RouteHandler): RouteHandler {
  return async (request, response) => {
    const origin = request.headers.origin;
    const allowed = origin !== undefined && origins.has(origin);
    response.setHeader('vary', 'origin');
    if (allowed) {
      response.setHeader('access-control-allow-origin', origin);
      response.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    }
    if (request.method === 'OPTIONS') {
      if (allowed) {
        response.setHeader('access-control-allow-methods', 'POST, OPTIONS');
        response.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
        response.setHeader('access-control-max-age', '600');
      }
      response.statusCode = 204;
      response.end();
      return;
    }
    await handler(request, response);
  };
}
