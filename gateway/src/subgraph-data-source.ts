import { AsyncLocalStorage } from 'node:async_hooks';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  activeTraceHeaders,
  INTERNAL_CONTEXT_HEADER,
  REQUEST_ID_HEADER,
  signInternalContext,
  tracerFor,
  type KeyLike,
  type RequestContext,
} from '@platform/service-kit';
import { GraphQLError } from 'graphql';
import { fetch, type Agent } from 'undici';
import { z } from 'zod';

/** Error codes the gateway itself gives to subgraph call failures (clients may see them). */
export const SUBGRAPH_TIMEOUT = 'SUBGRAPH_TIMEOUT';
export const SUBGRAPH_UNAVAILABLE = 'SUBGRAPH_UNAVAILABLE';

type Fetcher = RemoteGraphQLDataSource['fetcher'];

/** What Apollo Server answers, with HTTP 400, when a variable fails the subgraph's own coercion. */
const inputRefusalBody = z.object({
  errors: z
    .array(z.object({ message: z.string(), extensions: z.object({ code: z.literal('BAD_USER_INPUT') }) }))
    .min(1),
});

/**
 * The client's input error inside a failed subgraph call, if that is what it is: a subgraph refuses
 * a variable its own custom scalar rejects (a JSONObject that is an array, a malformed DateTime) with
 * HTTP 400 before any resolver runs. The gateway treats its custom scalars as opaque and cannot
 * check them itself, so the refusal is the client's answer, not an unavailable service.
 */
function inputRefusal(error: Error, status: number | undefined): GraphQLError | undefined {
  if (status !== 400 || !(error instanceof GraphQLError)) return undefined;
  const response = z.object({ body: inputRefusalBody }).safeParse(error.extensions['response']);
  const first = response.success ? response.data.body.errors[0] : undefined;
  return first ? new GraphQLError(first.message, { extensions: { code: 'BAD_USER_INPUT' } }) : undefined;
}

/**
 * A client request's context as the gateway makes it: with the time by which it must be answered
 * (epoch ms). Every subgraph call it makes ends by then, whatever its own deadline, so a plan of several
 * fetches one after another (identity, then crm, then identity again) cannot take a subgraph deadline
 * each. A field of the context, not a map beside it: Apollo clones the context per operation.
 */
export type DeadlineContext = RequestContext & { requestDeadlineAt?: number };

/** The deadline of the client request whose subgraph call is running (read by the fetcher). */
const callDeadline = new AsyncLocalStorage<number | undefined>();

/**
 * A fetcher over one bounded keep-alive connection pool, with a deadline per subgraph request that
 * covers reading the response body too (Apollo's default fetcher has no deadline at all): the
 * subgraph's own, or what is left of the client request's when that is sooner (none left: the call is
 * aborted at once, answered SUBGRAPH_TIMEOUT like any other).
 */
export function keepAliveFetcher(agent: Agent, timeoutMs: number): Fetcher {
  return async (url, init) => {
    const requestDeadline = callDeadline.getStore();
    const budgetMs =
      requestDeadline === undefined
        ? timeoutMs
        : Math.min(timeoutMs, Math.max(0, requestDeadline - Date.now()));
    return fetch(url, {
      method: init?.method ?? 'POST',
      ...(init?.headers ? { headers: init.headers } : {}),
      ...(init?.body !== undefined ? { body: init.body } : {}),
      dispatcher: agent,
      signal: AbortSignal.timeout(budgetMs),
    });
  };
}

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  signingKey: KeyLike;
  fetcher: Fetcher;
  timeoutMs: number;
}

type ReceivedResponse = Parameters<
  NonNullable<RemoteGraphQLDataSource<DeadlineContext>['didReceiveResponse']>
>[0];

type GatewayResponse = Awaited<ReturnType<RemoteGraphQLDataSource<DeadlineContext>['process']>>;

const tracer = tracerFor('gateway');

const redactedFieldsSchema = z.array(z.object({ field: z.string(), permission: z.string() }));

/** The internal context signed for each client request in flight (gone with the request). */
const signedContexts = new WeakMap<RequestContext, Promise<string>>();

/**
 * Calls one subgraph. Sends exactly the headers chosen here — content type, request id, a freshly
 * signed internal context and the trace context of the call's client span — and nothing the client
 * sent. Failures of the call itself become errors with the gateway's codes; what they were is logged,
 * not shown. A subgraph's refusal of the client's variables stays BAD_USER_INPUT.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<DeadlineContext> {
  private readonly subgraph: string;
  private readonly signingKey: KeyLike;
  private readonly timeoutMs: number;

  constructor(options: SubgraphDataSourceOptions) {
    super({ url: options.url, fetcher: options.fetcher, apq: false, honorSubgraphCacheControlHeader: false });
    this.subgraph = options.name;
    this.signingKey = options.signingKey;
    this.timeoutMs = options.timeoutMs;
  }

  /** Each subgraph call in a client span of its own; the subgraph's server span is its child. */
  override process(options: GraphQLDataSourceProcessOptions<DeadlineContext>): Promise<GatewayResponse> {
    const attributes = {
      'http.request.method': 'POST',
      'url.full': this.url,
      'platform.subgraph': this.subgraph,
      ...('incomingRequestContext' in options && options.request.operationName
        ? { 'graphql.operation.name': options.request.operationName }
        : {}),
    };
    // The fetcher runs inside this call: it reads the request's deadline from here.
    const requestDeadline =
      'incomingRequestContext' in options ? options.context.requestDeadlineAt : undefined;
    return callDeadline.run(requestDeadline, () => this.processInSpan(options, attributes));
  }

  private processInSpan(
    options: GraphQLDataSourceProcessOptions<DeadlineContext>,
    attributes: Record<string, string>,
  ): Promise<GatewayResponse> {
    return tracer.startActiveSpan(
      `POST ${this.subgraph}`,
      { kind: SpanKind.CLIENT, attributes },
      async (span) => {
        try {
          return await super.process(options);
        } catch (error) {
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: error instanceof Error ? error.message : '',
          });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  override async willSendRequest(options: GraphQLDataSourceProcessOptions<DeadlineContext>): Promise<void> {
    const http = options.request.http;
    if (!http) throw new Error('subgraph requests are HTTP requests');
    const names: string[] = [];
    for (const [name] of http.headers) names.push(name);
    for (const name of names) http.headers.delete(name);
    http.headers.set('content-type', 'application/json');
    // Only operations of a client request carry a principal; the gateway makes no other kind of call
    // (the supergraph is static, there is no health polling).
    if (!('incomingRequestContext' in options)) {
      throw new Error(`subgraph ${this.subgraph}: refusing a ${options.kind} call without a client request`);
    }
    const { context } = options;
    http.headers.set(REQUEST_ID_HEADER, context.requestId);
    http.headers.set(INTERNAL_CONTEXT_HEADER, await this.internalContextOf(context));
    // Runs inside process(): the active span is this call's client span.
    for (const [name, value] of Object.entries(activeTraceHeaders())) http.headers.set(name, value);
  }

  /**
   * One signed internal context per client request, whichever subgraphs and however many fetches its
   * plan makes (a list query touches four or five): signing is the gateway's costliest step per fetch.
   */
  private internalContextOf(context: RequestContext): Promise<string> {
    let token = signedContexts.get(context);
    if (!token) {
      token = signInternalContext(this.signingKey, context.auth, { requestId: context.requestId });
      signedContexts.set(context, token);
    }
    return token;
  }

  /** Gathers the fields a subgraph read as null for want of a permission (`extensions.redactedFields`). */
  override didReceiveResponse({ response, context }: ReceivedResponse): ReceivedResponse['response'] {
    const redacted = redactedFieldsSchema.safeParse(response.extensions?.['redactedFields']);
    if (redacted.success) {
      for (const { field, permission } of redacted.data) context.redactedFields.set(field, permission);
    }
    return response;
  }

  override didEncounterError(
    error: Error,
    _fetchRequest: unknown,
    fetchResponse?: { status: number },
    context?: RequestContext,
  ): void {
    const refusal = inputRefusal(error, fetchResponse?.status);
    if (refusal) throw refusal;
    const logger = context?.logger;
    const timedOut = error.name === 'TimeoutError' || error.name === 'AbortError';
    if (fetchResponse) trace.getActiveSpan()?.setAttribute('http.response.status_code', fetchResponse.status);
    logger?.error(
      { err: error, subgraph: this.subgraph, status: fetchResponse?.status, timeoutMs: this.timeoutMs },
      timedOut ? 'subgraph timed out' : 'subgraph call failed',
    );
    if (timedOut) {
      throw new GraphQLError('A backing service did not answer in time', {
        extensions: { code: SUBGRAPH_TIMEOUT },
      });
    }
    throw new GraphQLError('A backing service is unavailable', {
      extensions: { code: SUBGRAPH_UNAVAILABLE },
    });
  }
}
