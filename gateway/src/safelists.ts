import { createHash } from 'node:crypto';
import { RequestRefusedError } from '@platform/service-kit';
import type { GatewayAuth } from './authentication';

/**
 * Partner safelists: an API key bound to an operation manifest (identity's `setApiKeySafelist`) may run
 * only the manifest's operations. An operation is named by the SHA-256 (hex) of its exact text, the id
 * automatic persisted queries use, so a safelisted client may send the text or, once this gateway has
 * seen it, only `extensions.persistedQuery.sha256Hash`. Checked before Apollo parses anything.
 */

export const OPERATION_NOT_SAFELISTED = 'OPERATION_NOT_SAFELISTED';

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The id of the operation a request body names: its text's hash, else its persisted-query hash. */
export function operationIdOf(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  if ('query' in body && typeof body.query === 'string') return sha256Hex(body.query);
  return persistedQueryHash(body);
}

/** `extensions.persistedQuery.sha256Hash` of a body, lower-cased, if it has one. */
function persistedQueryHash(body: object): string | null {
  if (!('extensions' in body) || typeof body.extensions !== 'object' || body.extensions === null) return null;
  const extensions: object = body.extensions;
  if (!('persistedQuery' in extensions)) return null;
  const persisted = extensions.persistedQuery;
  if (typeof persisted !== 'object' || persisted === null || !('sha256Hash' in persisted)) return null;
  return typeof persisted.sha256Hash === 'string' ? persisted.sha256Hash.toLowerCase() : null;
}

/** Refuses (403) a safelisted key's operation that its manifest does not hold; null admits it. */
export function safelistRefusal(body: unknown, auth: GatewayAuth): RequestRefusedError | null {
  const safelist = auth.operationSafelist;
  if (safelist === null) return null;
  const operations: unknown[] = Array.isArray(body) ? body : [body];
  for (const operation of operations) {
    const id = operationIdOf(operation);
    if (id !== null && safelist.has(id)) continue;
    return new RequestRefusedError(
      403,
      OPERATION_NOT_SAFELISTED,
      'This API key may run only the operations of its registered manifest; this operation is not one of them.',
      { details: { operationId: id } },
    );
  }
  return null;
}

/**
 * A body with both a text and a persisted-query hash that are not the same operation: 400 BAD_REQUEST
 * (Apollo would answer it without a code).
 */
export function persistedQueryMismatch(body: unknown): RequestRefusedError | null {
  const operations: unknown[] = Array.isArray(body) ? body : [body];
  for (const operation of operations) {
    if (typeof operation !== 'object' || operation === null) continue;
    if (!('query' in operation) || typeof operation.query !== 'string') continue;
    const hash = persistedQueryHash(operation);
    if (hash !== null && hash !== sha256Hex(operation.query)) {
      return new RequestRefusedError(
        400,
        'BAD_REQUEST',
        'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query',
      );
    }
  }
  return null;
}
