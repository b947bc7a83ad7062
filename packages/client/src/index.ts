import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';

export * from './generated/operations';

/** A position in the result: field names and list indexes, as GraphQL errors carry it. */
export type ResultPath = ReadonlyArray<string | number>;

/** An error the API answered with: its `extensions.code` (UNAUTHENTICATED, BAD_USER_INPUT, …). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** The field the error is about (a field error), or null (the whole request was refused). */
  readonly path: ResultPath | null;
  /** Seconds to wait before trying again (`Retry-After`, sent with 429 RATE_LIMITED), or null. */
  readonly retryAfterSeconds: number | null;

  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    readonly details: unknown,
    more: { path?: ResultPath | null; retryAfterSeconds?: number | null } = {},
  ) {
    super(message);
    this.path = more.path ?? null;
    this.retryAfterSeconds = more.retryAfterSeconds ?? null;
  }
}

export interface ClientOptions {
  /** The gateway's GraphQL URL, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  /** An access token (`login`) or a partner API key; sent as `Authorization: Bearer …`. */
  token?: string;
  /**
   * Automatic persisted queries: each operation is sent as the SHA-256 of its text first, and with its
   * text only when the gateway does not know the hash yet (PERSISTED_QUERY_NOT_FOUND), so repeated
   * operations send a few bytes instead of the document. Off by default.
   */
  persistedQueries?: boolean;
  /** The fetch to send with (default: the global one): to add cookies or a timeout, or to watch calls. */
  fetch?: typeof fetch;
}

/** What the API answered to one operation, errors and all (`requestResult`). */
export interface ApiResult<TResult> {
  /**
   * The data: partial when some fields failed (each failed field, or its nearest nullable parent, is
   * null and has its error in `errors`); null when the operation did not run at all.
   */
  data: TResult | null;
  /** Every error, in the order the API sent them; empty when everything succeeded. */
  errors: ApiError[];
  /** The HTTP status (200 with field errors; 4xx when the request was refused before it ran). */
  status: number;
  /** The answer's `extensions`, e.g. `cost: { estimated, limit }`. */
  extensions: Readonly<Record<string, unknown>>;
}

/** Codes with which the gateway asks for the text of a persisted query, or does not take hashes. */
const SEND_THE_TEXT = new Set(['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED']);

/**
 * Runs one typed operation: the variables and the result are the types generated for it. Throws
 * ApiError with the first error's code when the API answers with any error (use `requestResult` to
 * keep the partial data instead).
 */
export async function request<TResult, TVariables extends Record<string, unknown>>(
  options: ClientOptions,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  const result = await requestResult(options, document, variables);
  const [error] = result.errors;
  if (error) throw error;
  if (!result.data) throw new ApiError('The API answered without data', 'UNKNOWN', result.status, null);
  return result.data;
}

/**
 * Runs one typed operation and answers everything the API said: the data as far as it went and every
 * error, typed. A screen can show what loaded and mark what did not. Throws only when there is no
 * GraphQL answer at all (the network failed, or something other than the API answered).
 */
export async function requestResult<TResult, TVariables extends Record<string, unknown>>(
  options: ClientOptions,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): Promise<ApiResult<TResult>> {
  const text = textOf(document);
  if (!options.persistedQueries) return post<TResult>(options, { query: text, variables });
  const extensions = { persistedQuery: { version: 1, sha256Hash: await sha256Hex(text) } };
  const hashOnly = await post<TResult>(options, { variables, extensions });
  const askedForText = hashOnly.errors.find((error) => SEND_THE_TEXT.has(error.code));
  if (!askedForText) return hashOnly;
  return post<TResult>(
    options,
    askedForText.code === 'PERSISTED_QUERY_NOT_FOUND'
      ? { query: text, variables, extensions }
      : { query: text, variables },
  );
}

/** The printed text of each document, printed once: its hash must name exactly the text sent. */
const texts = new WeakMap<DocumentNode, string>();
function textOf(document: DocumentNode): string {
  let text = texts.get(document);
  if (text === undefined) {
    text = print(document);
    texts.set(document, text);
  }
  return text;
}

/** Lower-case hex SHA-256, with the Web Crypto API (browsers and Node alike). */
async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

async function post<TResult>(options: ClientOptions, body: object): Promise<ApiResult<TResult>> {
  const send = options.fetch ?? fetch;
  const response = await send(options.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  let answer: unknown;
  try {
    answer = await response.json();
  } catch {
    // A proxy's error page, say: nothing GraphQL to report.
    throw new ApiError(
      `The API answered HTTP ${response.status} without a GraphQL body`,
      'UNKNOWN',
      response.status,
      null,
    );
  }
  if (!isRecord(answer)) {
    throw new ApiError('The API answered something other than an object', 'UNKNOWN', response.status, null);
  }
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : null;
  const errors = Array.isArray(answer['errors']) ? answer['errors'] : [];
  return {
    // The API's data has the operation's shape: that is what the generated type says.
    data: isRecord(answer['data']) ? (answer['data'] as TResult) : null,
    errors: errors.map((error) => apiErrorOf(error, response.status, retryAfterSeconds)),
    status: response.status,
    extensions: isRecord(answer['extensions']) ? answer['extensions'] : {},
  };
}

function apiErrorOf(error: unknown, status: number, retryAfterSeconds: number | null): ApiError {
  if (!isRecord(error)) return new ApiError('The API answered a malformed error', 'UNKNOWN', status, null);
  const extensions = isRecord(error['extensions']) ? error['extensions'] : {};
  const code = extensions['code'];
  const path = error['path'];
  return new ApiError(
    typeof error['message'] === 'string' ? error['message'] : 'Unknown error',
    typeof code === 'string' ? code : 'UNKNOWN',
    status,
    extensions['details'],
    {
      path: Array.isArray(path) && path.every(isPathSegment) ? path : null,
      retryAfterSeconds,
    },
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPathSegment(value: unknown): value is string | number {
  return typeof value === 'string' || typeof value === 'number';
}
