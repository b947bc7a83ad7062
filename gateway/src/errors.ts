import {
  DOMAIN_ERROR_CODES,
  isRequestError,
  maskedError,
  SERVICE_UNAVAILABLE_CODE,
} from '@platform/service-kit';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { API_ACCESS_REFUSED } from './api-access';
import { LIMIT_CODES } from './limits';
import { RATE_LIMITED } from './rate-limits';
import { SUBGRAPH_TIMEOUT, SUBGRAPH_UNAVAILABLE } from './subgraph-data-source';

/** What a subgraph may tell a client: its domain errors, and that it is busy (retry). */
const DOMAIN_CODES: ReadonlySet<string> = new Set([...DOMAIN_ERROR_CODES, SERVICE_UNAVAILABLE_CODE]);
const GATEWAY_CODES: ReadonlySet<string> = new Set([
  SUBGRAPH_TIMEOUT,
  SUBGRAPH_UNAVAILABLE,
  ...Object.values(LIMIT_CODES),
  RATE_LIMITED,
  API_ACCESS_REFUSED,
]);

function codeOf(error: GraphQLFormattedError): string | undefined {
  const code = error.extensions?.['code'];
  return typeof code === 'string' ? code : undefined;
}

/**
 * What a client sees at the edge. From a subgraph (`extensions.serviceName` is set): its typed domain
 * errors (NOT_FOUND, BAD_USER_INPUT, …) and SERVICE_UNAVAILABLE (its database busy: retry) with message
 * and details; anything else stays masked. From the
 * gateway itself: Apollo's request errors (parse, validation, variables) and the subgraph-call codes.
 * Everything else becomes INTERNAL_SERVER_ERROR. Extensions are rebuilt, so nothing else leaks
 * (subgraph names, response bodies, stack traces).
 */
export function isPublicError(error: GraphQLFormattedError): boolean {
  const code = codeOf(error);
  if (code === undefined) return false;
  if (error.extensions?.['serviceName'] !== undefined) return DOMAIN_CODES.has(code);
  return GATEWAY_CODES.has(code) || isRequestError(error);
}

export function formatGatewayError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!isPublicError(formatted)) return maskedError(formatted);
  const details = formatted.extensions?.['details'];
  return {
    message: formatted.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: codeOf(formatted), ...(details !== undefined ? { details } : {}) },
  };
}

/** Errors worth an error log line at the gateway: those it masks. */
export function isExpectedGatewayError(error: GraphQLError): boolean {
  return isPublicError(error);
}
