import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from '@platform/domain';

/**
 * What a client may see of an error. Domain errors show their code, message and details; request
 * errors Apollo raises before execution (parse, validation, variable coercion) keep Apollo's code and
 * message; everything else is an internal failure and is masked — its message could name tables,
 * hosts or stack frames.
 */
export const MASKED_ERROR_MESSAGE = 'Internal server error';
export const INTERNAL_ERROR_CODE = 'INTERNAL_SERVER_ERROR';

/** Apollo's codes for requests refused before any resolver ran. */
export const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'INTROSPECTION_DISABLED',
  'MAX_RECURSIVE_SELECTIONS_EXCEEDED',
]);

/** The DomainError behind a resolver error, if there is one. */
export function findDomainError(error: unknown): DomainError | undefined {
  let current: unknown = unwrapResolverError(error);
  for (let depth = 0; depth < 5 && current !== undefined; depth += 1) {
    if (current instanceof DomainError) return current;
    current = current instanceof GraphQLError ? current.originalError : undefined;
  }
  return undefined;
}

function errorCode(formatted: GraphQLFormattedError): string | undefined {
  const code = formatted.extensions?.['code'];
  return typeof code === 'string' ? code : undefined;
}

/** A request-level error: raised without a field path, with one of Apollo's request codes. */
export function isRequestError(formatted: GraphQLFormattedError): boolean {
  const code = errorCode(formatted);
  return formatted.path === undefined && code !== undefined && REQUEST_ERROR_CODES.has(code);
}

export function maskedError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return {
    message: MASKED_ERROR_MESSAGE,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: INTERNAL_ERROR_CODE },
  };
}

/** The code a transient overload of the database is reported with: the request may simply be retried. */
export const SERVICE_UNAVAILABLE_CODE = 'SERVICE_UNAVAILABLE';

/**
 * Prisma's codes for a database that is busy, not broken: no pooled connection within the wait
 * (P2024), a transaction that could not start in time (P2028), a write conflict or deadlock (P2034).
 * Nothing was written (the transaction rolled back), so the caller can retry.
 */
const TRANSIENT_DATABASE_CODES: ReadonlySet<string> = new Set(['P2024', 'P2028', 'P2034']);

/** Whether the error behind a resolver error is the database being busy (matched by shape: the kit knows no Prisma). */
export function isTransientDatabaseError(error: unknown): boolean {
  let current: unknown = unwrapResolverError(error);
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const name = 'name' in current ? current.name : undefined;
    const code = 'code' in current ? current.code : undefined;
    if (typeof name === 'string' && name.startsWith('PrismaClient') && typeof code === 'string') {
      return TRANSIENT_DATABASE_CODES.has(code);
    }
    if (current instanceof GraphQLError) current = current.originalError;
    else current = 'cause' in current ? current.cause : undefined;
  }
  return false;
}

/** Apollo `formatError` for subgraphs. */
export function formatSubgraphError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const domainError = findDomainError(error);
  if (domainError) {
    return {
      message: domainError.message,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: {
        code: domainError.code,
        ...(domainError.details ? { details: domainError.details } : {}),
      },
    };
  }
  if (isRequestError(formatted)) return formatted;
  if (isTransientDatabaseError(error)) {
    return {
      message: 'The service is busy; nothing was changed. Retry shortly.',
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: SERVICE_UNAVAILABLE_CODE, details: { retryable: true } },
    };
  }
  return maskedError(formatted);
}

/** Errors a subgraph reports without logging them as failures: domain errors and request errors. */
export function isExpectedSubgraphError(error: GraphQLError): boolean {
  return findDomainError(error) !== undefined || isRequestError(error);
}

/** The thrown value behind a resolver error, for logs. */
export function originalErrorOf(error: GraphQLError): unknown {
  return unwrapResolverError(error);
}
