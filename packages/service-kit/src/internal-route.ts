import type { IncomingMessage } from 'node:http';
import { readJsonBody } from './graphql-http';
import type { RouteHandler } from './http-server';
import {
  importInternalContextPublicKey,
  INTERNAL_CONTEXT_HEADER,
  verifyInternalContext,
  type InternalContextKeyInput,
  type VerifiedInternalContext,
} from './internal-context';
import type { Logger } from './logger';

/** What an internal route answers: an HTTP status and a JSON body. */
export interface InternalAnswer {
  status: number;
  body: unknown;
}

const MAX_INTERNAL_BODY_BYTES = 64 * 1024;

function send(response: Parameters<RouteHandler>[1], answer: InternalAnswer): void {
  const payload = JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
  });
  response.end(payload);
}

async function verified(
  request: IncomingMessage,
  key: Awaited<ReturnType<typeof importInternalContextPublicKey>>,
): Promise<VerifiedInternalContext | null> {
  const token = request.headers[INTERNAL_CONTEXT_HEADER];
  if (typeof token !== 'string' || token.length === 0) return null;
  try {
    return await verifyInternalContext(key, token);
  } catch {
    return null;
  }
}

/**
 * A JSON-over-HTTP route only the gateway may call (service-to-service, not part of the public
 * graph): `POST` with the gateway-signed internal context, a JSON body, a JSON answer. Anything else
 * answers 401/405/4xx without calling `handle`.
 */
export function internalJsonRoute(options: {
  internalContextKey: InternalContextKeyInput;
  logger: Logger;
  handle: (body: unknown, caller: VerifiedInternalContext) => Promise<InternalAnswer>;
}): RouteHandler {
  const key = importInternalContextPublicKey(options.internalContextKey);
  return async (request, response) => {
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      send(response, { status: 405, body: { error: { code: 'BAD_REQUEST', message: 'use POST' } } });
      return;
    }
    const caller = await verified(request, await key);
    if (!caller) {
      response.setHeader('connection', 'close');
      send(response, {
        status: 401,
        body: { error: { code: 'UNAUTHENTICATED', message: 'missing or invalid internal context' } },
      });
      return;
    }
    const body = await readJsonBody(request, MAX_INTERNAL_BODY_BYTES);
    if (!body.ok) {
      send(response, {
        status: body.status,
        body: { error: { code: 'BAD_REQUEST', message: body.message } },
      });
      return;
    }
    try {
      send(response, await options.handle(body.body, caller));
    } catch (error) {
      options.logger.error({ err: error, path: request.url }, 'internal route failed');
      send(response, {
        status: 500,
        body: { error: { code: 'INTERNAL_SERVER_ERROR', message: 'internal error' } },
      });
    }
  };
}
