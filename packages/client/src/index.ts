import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

export * from './generated/operations';

/** An error the API answered with: its `extensions.code` (UNAUTHENTICATED, BAD_USER_INPUT, …). */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    readonly details: unknown,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  /** The gateway's GraphQL URL, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  /** An access token (`login`) or a partner API key; sent as `Authorization: Bearer …`. */
  token?: string;
}

/**
 * Runs one typed operation: the variables and the result are the types generated for it. Throws
 * ApiError with the first error's code when the API answers with errors.
 */
export async function request<TResult, TVariables extends Record<string, unknown>>(
  options: ClientOptions,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  const response = await fetch(options.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as {
    data?: TResult | null;
    errors?: Array<{ message: string; extensions?: { code?: string; details?: unknown } }>;
  };
  const [error] = body.errors ?? [];
  if (error) {
    throw new ApiError(
      error.message,
      error.extensions?.code ?? 'UNKNOWN',
      response.status,
      error.extensions?.details,
    );
  }
  if (!body.data) throw new ApiError('The API answered without data', 'UNKNOWN', response.status, null);
  return body.data;
}
