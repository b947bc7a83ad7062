import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { ApolloServerPlugin, HeaderMap } from '@apollo/server';
import {
  getNamedType,
  GraphQLError,
  isListType,
  isNonNullType,
  parse,
  validate,
  type DocumentNode,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';

/**
 * Limits before execution: the gateway refuses an operation that is too deep, too wide, too long or too
 * expensive before it plans it, so no subgraph is ever called for one. Depth, aliases and directives
 * are graphql-armor's validation rules; tokens are graphql-js's own parse limit; the cost is
 * graphql-query-complexity's estimate with list sizes multiplied in (see `listSizeEstimator`).
 */

export interface QueryLimits {
  /** Deepest field nesting (an inline fragment counts as a level). */
  maxDepth: number;
  /** Aliased fields in one operation. */
  maxAliases: number;
  /** Directives in one operation. */
  maxDirectives: number;
  /** Lexical tokens in the document. */
  maxTokens: number;
  /** Cost points of one operation. */
  maxCost: number;
  /**
   * How many items a list without a `first` argument is assumed to hold, and the page size of a `first`
   * argument left out or null when the schema gives it no default (the resolvers' DEFAULT_PAGE_SIZE).
   */
  assumedListSize: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxDirectives: 20,
  maxTokens: 2_000,
  maxCost: 10_000,
  assumedListSize: 20,
};

/** The codes of the refusals, one per limit. */
export const LIMIT_CODES = {
  depth: 'MAX_DEPTH_EXCEEDED',
  aliases: 'MAX_ALIASES_EXCEEDED',
  directives: 'MAX_DIRECTIVES_EXCEEDED',
  tokens: 'MAX_TOKENS_EXCEEDED',
  cost: 'MAX_COST_EXCEEDED',
} as const;
export type LimitName = keyof typeof LIMIT_CODES;

/** A refusal: its code names the limit; `details` say the limit and, where known, what was found. */
export class LimitExceededError extends GraphQLError {
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(limit: LimitName, max: number, found: number | null, message: string) {
    const code = LIMIT_CODES[limit];
    const details = { limit, max, ...(found !== null ? { found } : {}) };
    super(message, { extensions: { code, details, http: { status: 400 } } });
    this.code = code;
    this.details = details;
  }
}

const FOUND = /found (\d+)/;

/**
 * The structural limits of a request body (`{ query }`), checked on the document alone: tokens while
 * parsing, then depth, aliases and directives. Answers the first refusal, or null (also for bodies
 * that are not a query at all: Apollo answers those as it always does).
 */
export function structuralRefusal(
  schema: GraphQLSchema,
  query: unknown,
  limits: QueryLimits,
): LimitExceededError | null {
  if (typeof query !== 'string') return null;
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: limits.maxTokens, noLocation: true });
  } catch (error) {
    if (error instanceof GraphQLError && error.message.includes('tokens')) {
      return new LimitExceededError(
        'tokens',
        limits.maxTokens,
        null,
        `The document has more than ${limits.maxTokens} tokens (the limit).`,
      );
    }
    return null;
  }
  const refusals: LimitExceededError[] = [];
  const rule = (limit: LimitName, max: number, build: (reject: RejectHandler) => ValidationRule) =>
    build((_context, error) => {
      const found = FOUND.exec(error.message)?.[1];
      refusals.push(
        new LimitExceededError(
          limit,
          max,
          found === undefined ? null : Number(found),
          `The operation exceeds the ${limit} limit of ${max}${found === undefined ? '' : ` (found ${found})`}.`,
        ),
      );
    });
  validate(schema, document, [
    rule('depth', limits.maxDepth, (reject) =>
      maxDepthRule({ n: limits.maxDepth, propagateOnRejection: false, onReject: [reject] }),
    ),
    rule('aliases', limits.maxAliases, (reject) =>
      maxAliasesRule({ n: limits.maxAliases, propagateOnRejection: false, onReject: [reject] }),
    ),
    rule('directives', limits.maxDirectives, (reject) =>
      maxDirectivesRule({ n: limits.maxDirectives, propagateOnRejection: false, onReject: [reject] }),
    ),
  ]);
  return refusals[0] ?? null;
}

type RejectHandler = (context: unknown, error: GraphQLError) => void;

/** Whether a type is a list (through non-null wrappers). */
function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/** The page-size arguments a connection field may define. */
const PAGE_ARGUMENTS = ['first', 'last'] as const;

/**
 * How many items a field with a page-size argument (`first`, `last`) answers: the value given, else the
 * argument's SDL default, else `assumedListSize` (what the resolvers use, DEFAULT_PAGE_SIZE, when the
 * argument is left out or null). Null for a field without such an argument.
 */
function pageSize(
  field: GraphQLField<unknown, unknown>,
  args: Record<string, unknown>,
  assumedListSize: number,
): number | null {
  const defined = PAGE_ARGUMENTS.flatMap((name) => {
    const argument = field.args.find((candidate) => candidate.name === name);
    return argument ? [argument] : [];
  });
  if (defined.length === 0) return null;
  const given = defined
    .map((argument) => args[argument.name])
    .filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  if (given.length > 0) return Math.max(0, ...given);
  // An explicit null is not replaced by the default while coercing; the resolvers page it as if absent.
  const defaults = defined
    .map((argument) => argument.defaultValue)
    .filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  return defaults.length > 0 ? Math.max(0, ...defaults) : assumedListSize;
}

/**
 * Cost = 1 per field, times the size of every list it sits in. A field with a `first` (or `last`)
 * argument counts its children page-size times (see `pageSize`: given, else the SDL default, else
 * `assumedListSize`); the `edges` and `nodes` lists of a connection are that page (not multiplied
 * again); any other list counts its children `assumedListSize` times.
 */
export function listSizeEstimator(assumedListSize: number): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    const page = pageSize(field, args, assumedListSize);
    if (page !== null) return 1 + childComplexity * page;
    if (!isList(field.type)) return 1 + childComplexity;
    const inConnection =
      getNamedType(type).name.endsWith('Connection') && (field.name === 'edges' || field.name === 'nodes');
    return 1 + childComplexity * (inConnection ? 1 : assumedListSize);
  };
}

/** The estimated cost of an operation (variables applied; the operation by name when there are several). */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
  limits: QueryLimits,
): number {
  return getComplexity({
    schema,
    query: document,
    variables: variables ?? {},
    ...(operationName ? { operationName } : {}),
    estimators: [listSizeEstimator(limits.assumedListSize), simpleEstimator({ defaultComplexity: 1 })],
  });
}

/**
 * Estimates each operation's cost once it is resolved (before any subgraph is called), refuses one
 * above `maxCost`, and reports `extensions.cost: { estimated, limit }` on every response.
 */
export function costLimitPlugin<TContext extends object>(
  limits: QueryLimits,
  /** Runs with each admitted estimate, before any subgraph is called (the rate limit charges it). */
  onEstimated?: (
    cost: number,
    request: { contextValue: TContext; response: { http: { headers: HeaderMap } } },
  ) => Promise<void>,
): ApolloServerPlugin<TContext> {
  return {
    requestDidStart() {
      let estimated: number | null = null;
      return Promise.resolve({
        async didResolveOperation({ schema, document, request, contextValue, response }) {
          try {
            estimated = operationCost(schema, document, request.variables, request.operationName, limits);
          } catch {
            // Variables that do not fit the operation: execution refuses them (BAD_USER_INPUT) before
            // any subgraph is called, so there is nothing to estimate.
            return;
          }
          if (estimated > limits.maxCost) {
            throw new LimitExceededError(
              'cost',
              limits.maxCost,
              estimated,
              `The operation's estimated cost ${estimated} exceeds the limit of ${limits.maxCost}.`,
            );
          }
          await onEstimated?.(estimated, { contextValue, response });
        },
        willSendResponse({ response }) {
          if (estimated !== null && response.body.kind === 'single') {
            response.body.singleResult.extensions = {
              ...response.body.singleResult.extensions,
              cost: { estimated, limit: limits.maxCost },
            };
          }
          return Promise.resolve();
        },
      });
    },
  };
}
