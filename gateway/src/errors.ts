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

function formatPublicError(formatted: GraphQLFormattedError, production: boolean): GraphQLFormattedError {
  if (!isPublicError(formatted)) return maskedError(formatted);
  const details = formatted.extensions?.['details'];
  return {
    message: production ? withoutSuggestions(formatted.message) : formatted.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: codeOf(formatted), ...(details !== undefined ? { details } : {}) },
  };
}

/** The development edge's `formatError`: messages as graphql-js wrote them, suggestions included. */
export function formatGatewayError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return formatPublicError(formatted, false);
}

/**
 * The `formatError` of a mode. In production no message keeps graphql-js's "Did you mean …?": Apollo's
 * `hideSchemaDetailsFromClientErrors` cleans validation errors only, and a misspelled input field or
 * enum value in the variables would still spell the schema out.
 */
export function gatewayErrorFormatter(
  mode: 'development' | 'production',
): (formatted: GraphQLFormattedError) => GraphQLFormattedError {
  const production = mode === 'production';
  return (formatted) => formatPublicError(formatted, production);
}

/**
 * graphql-js appends its suggestions as one last sentence, ` Did you mean "a", "b" or "c"?` (or `… the
 * enum value "A"?`); the names it suggests hold no question mark, so the sentence ends at the first one.
 */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** A message without graphql-js's suggestions (schema names the caller did not write). */
export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}

/** Errors worth an error log line at the gateway: those it masks. */
export function isExpectedGatewayError(error: GraphQLError): boolean {
  return isPublicError(error);
}
