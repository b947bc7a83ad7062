import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  HeaderMap,
  type ApolloServer,
  type ApolloServerPlugin,
  type BaseContext,
  type HTTPGraphQLRequest,
} from '@apollo/server';
import type { GraphQLError } from 'graphql';
import { servedRequest, type RouteHandler, type ServedRequest } from './http-server';
import type { InternalContext } from './internal-context';
import type { Logger } from './logger';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id';

/**
 * Apollo Server 5 over the kit's plain node:http server (Apollo Server 5 ships no HTTP framework
 * integration of its own): one route handler that authenticates, reads the JSON body, runs the
 * operation through `executeHTTPGraphQLRequest` and logs one line per request.
 */

/** What every resolver context starts from. */
export interface RequestContext {
  requestId: string;
  /** Child logger: every line carries the request id. */
  logger: Logger;
  /** Who the request acts for. */
  auth: InternalContext;
  /**
   * Fields read as null because the caller lacks their permission (coordinate → permission); the
   * response names them in `extensions.redactedFields`.
   */
  redactedFields: Map<string, string>;
  /**
   * Sensitive fields read (coordinate → ids of the records read); the audit trail records them once
   * per request.
   */
  sensitiveReads: Map<string, Set<string>>;
}

/** A request refused before execution; answered with `status` and a GraphQL-shaped error body. */
export class RequestRefusedError extends Error {
  override name = 'RequestRefusedError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: ErrorOptions & { details?: Record<string, unknown>; headers?: Record<string, string> },
  ) {
    super(message, options);
    this.details = options?.details;
    this.headers = options?.headers ?? {};
  }

  /** Client-safe facts about the refusal, sent as `extensions.details`. */
  readonly details: Record<string, unknown> | undefined;
  /** Response headers the refusal carries (`Retry-After`, rate-limit state). */
  readonly headers: Record<string, string>;
}

/** Authentication refused: HTTP 401, `extensions.code` UNAUTHENTICATED. */
export class AuthenticationError extends RequestRefusedError {
  override name = 'AuthenticationError';

  constructor(message: string, options?: ErrorOptions) {
    super(401, 'UNAUTHENTICATED', message, options);
  }
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * How deep arrays and objects may nest in a request body (the body itself is level 1, its `variables`
 * level 2). Generous for any real input, and far below where recursive code gives up: Node's
 * JSON.stringify throws a little over 4,000 levels deep, which the gateway hits when it forwards
 * variables to a subgraph (an internal error instead of an answer about the input).
 */
export const MAX_JSON_DEPTH = 100;

/** Whether `value` nests arrays and objects more than `limit` levels deep. Iterative, so it cannot overflow. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth > limit) return true;
    const children: unknown[] = Array.isArray(next.value) ? next.value : Object.values(next.value);
    for (const child of children) pending.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}

export function graphqlErrorBody(
  code: string,
  message: string,
  details?: Record<string, unknown>,
): { errors: [{ message: string; extensions: { code: string; details?: Record<string, unknown> } }] } {
  return { errors: [{ message, extensions: { code, ...(details ? { details } : {}) } }] };
}

function sendGraphQLError(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  details?: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(graphqlErrorBody(code, message, details));
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/graphql-response+json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
  });
  response.end(payload);
}

export type BodyResult = { ok: true; body: unknown } | { ok: false; status: number; message: string };

/** Reads a JSON request body within `maxBytes` and MAX_JSON_DEPTH. */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(contentType)) {
    return { ok: false, status: 415, message: 'POST a JSON body with content-type application/json' };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > maxBytes) return { ok: false, status: 413, message: `request body exceeds ${maxBytes} bytes` };
    chunks.push(buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return { ok: false, status: 400, message: 'request body is not valid JSON' };
  }
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
    return { ok: false, status: 400, message: `request body nests deeper than ${MAX_JSON_DEPTH} levels` };
  }
  return { ok: true, body };
}

/**
 * Per-request facts the logging plugin fills in, keyed by the HTTPGraphQLRequest object this route
 * builds (Apollo hands that same object to plugins as `request.http`; the context object it clones).
 */
interface RequestTrace {
  logger: Logger;
  operationName: string | null;
  /** query, mutation, subscription; null until Apollo resolved the operation. */
  operationType: string | null;
  /** `extensions.code` of each error the response carries. */
  errorCodes: string[];
  /** The server's view of the request (its span and metrics). */
  served: ServedRequest | undefined;
}

const traces = new WeakMap<object, RequestTrace>();

/**
 * Logs what only Apollo knows: the resolved operation name (for the request line) and errors that
 * `isExpected` does not recognise (with their stack, under the request's logger). Gives the request's
 * span the operation's name and type, and the request's metrics the codes of the errors sent.
 */
export function requestTracePlugin<TContext extends BaseContext>(options: {
  logger: Logger;
  isExpected: (error: GraphQLError) => boolean;
  describe: (error: GraphQLError) => unknown;
}): ApolloServerPlugin<TContext> {
  return {
    requestDidStart({ request }) {
      const trace = request.http ? traces.get(request.http) : undefined;
      return Promise.resolve({
        didResolveOperation({ operationName, operation }) {
          if (trace) {
            trace.operationName = operationName ?? null;
            trace.operationType = operation?.operation ?? null;
            trace.served?.span.setAttributes({
              ...(operation ? { 'graphql.operation.type': operation.operation } : {}),
              ...(operationName ? { 'graphql.operation.name': operationName } : {}),
            });
          }
          return Promise.resolve();
        },
        willSendResponse({ response }) {
          // The errors as the client gets them (after formatError): their codes are what it sees.
          const errors =
            response.body.kind === 'single'
              ? response.body.singleResult.errors
              : response.body.initialResult.errors;
          if (trace && errors) {
            for (const error of errors) {
              const code = error.extensions?.['code'];
              trace.errorCodes.push(typeof code === 'string' ? code : 'UNKNOWN');
            }
          }
          return Promise.resolve();
        },
        didEncounterErrors({ errors }) {
          const logger = trace?.logger ?? options.logger;
          for (const error of errors) {
            if (!options.isExpected(error)) {
              logger.error(
                { err: options.describe(error), path: error.path },
                'unexpected error in operation',
              );
            }
          }
          return Promise.resolve();
        },
      });
    },
    contextCreationDidFail({ error }) {
      options.logger.error({ err: error }, 'creating the request context failed');
      return Promise.resolve();
    },
  };
}

export interface GraphQLRouteOptions<
  TContext extends BaseContext,
  TAuth extends InternalContext = InternalContext,
> {
  /** Started before the first request arrives. */
  server: ApolloServer<TContext>;
  logger: Logger;
  /**
   * Who is calling; throw AuthenticationError (401) or another RequestRefusedError to refuse.
   * Runs before the body is read.
   */
  authenticate: (request: IncomingMessage, requestId: string) => Promise<TAuth>;
  /** Builds the resolver context for one request (`auth` is what `authenticate` answered). */
  context: (base: RequestContext & { auth: TAuth }) => TContext | Promise<TContext>;
  maxBodyBytes?: number;
  /**
   * Checks the parsed body before Apollo sees it (the gateway's limits, rate limits and safelists) and
   * answers the body to execute: the same one, or one it completed (a persisted query's document).
   * Throws RequestRefusedError to refuse.
   */
  admit?: (body: unknown, auth: TAuth) => unknown;
}

/** The `POST /graphql` route: request id, authentication, body, execution, one log line. */
export function graphqlRoute<TContext extends BaseContext, TAuth extends InternalContext = InternalContext>(
  options: GraphQLRouteOptions<TContext, TAuth>,
): RouteHandler {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return async (request, response) => {
    const startedAt = performance.now();
    const requestId = requestIdFrom(request.headers);
    const logger = options.logger.child({ requestId });
    response.setHeader(REQUEST_ID_HEADER, requestId);
    const trace: RequestTrace = {
      logger,
      operationName: null,
      operationType: null,
      errorCodes: [],
      served: servedRequest(request),
    };
    const finish = (status: number): void => {
      const metrics = trace.served?.metrics;
      if (metrics) {
        metrics.recordGraphQLOperation(trace.operationType ?? 'unknown');
        for (const code of trace.errorCodes) metrics.recordGraphQLError(code);
      }
      logger.info(
        { operationName: trace.operationName, status, durationMs: Math.round(performance.now() - startedAt) },
        'graphql request',
      );
    };

    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      sendGraphQLError(response, 405, 'BAD_REQUEST', 'use POST for GraphQL requests');
      trace.errorCodes.push('BAD_REQUEST');
      finish(405);
      return;
    }

    let auth: TAuth;
    try {
      auth = await options.authenticate(request, requestId);
    } catch (error) {
      if (!(error instanceof RequestRefusedError)) throw error;
      logger.warn({ reason: error.message, cause: error.cause }, 'request refused');
      // The body is not read; closing the connection keeps an unread body from poisoning keep-alive.
      response.setHeader('connection', 'close');
      sendGraphQLError(response, error.status, error.code, error.message, undefined, error.headers);
      trace.errorCodes.push(error.code);
      finish(error.status);
      return;
    }

    const body = await readJsonBody(request, maxBodyBytes);
    if (!body.ok) {
      if (body.status === 413) response.setHeader('connection', 'close');
      sendGraphQLError(response, body.status, 'BAD_REQUEST', body.message);
      trace.errorCodes.push('BAD_REQUEST');
      finish(body.status);
      return;
    }
    let admitted: unknown = body.body;
    try {
      admitted = options.admit ? await options.admit(body.body, auth) : body.body;
    } catch (error) {
      if (!(error instanceof RequestRefusedError)) throw error;
      logger.info({ reason: error.message, code: error.code }, 'request refused');
      sendGraphQLError(response, error.status, error.code, error.message, error.details, error.headers);
      trace.errorCodes.push(error.code);
      finish(error.status);
      return;
    }

    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: 'POST',
      headers,
      search: queryStart === -1 ? '' : url.slice(queryStart),
      body: admitted,
    };
    traces.set(httpGraphQLRequest, trace);
    const result = await options.server.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () =>
        options.context({
          requestId,
          logger,
          auth,
          redactedFields: new Map(),
          sensitiveReads: new Map(),
        }),
    });
    const status = result.status ?? 200;
    for (const [name, value] of result.headers) response.setHeader(name, value);
    response.statusCode = status;
    if (result.body.kind === 'complete') {
      response.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) response.write(chunk);
      response.end();
    }
    finish(status);
  };
}
