import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import {
  INTERNAL_CONTEXT_HEADER,
  REQUEST_ID_HEADER,
  signInternalContext,
  type KeyLike,
  type RequestContext,
} from '@platform/service-kit';
import { GraphQLError } from 'graphql';
import { fetch, type Agent } from 'undici';

/** Error codes the gateway itself gives to subgraph call failures (clients may see them). */
export const SUBGRAPH_TIMEOUT = 'SUBGRAPH_TIMEOUT';
export const SUBGRAPH_UNAVAILABLE = 'SUBGRAPH_UNAVAILABLE';

type Fetcher = RemoteGraphQLDataSource['fetcher'];

/**
 * A fetcher over one bounded keep-alive connection pool, with a deadline per subgraph request that
 * covers reading the response body too (Apollo's default fetcher has no deadline at all).
 */
export function keepAliveFetcher(agent: Agent, timeoutMs: number): Fetcher {
  return async (url, init) =>
    fetch(url, {
      method: init?.method ?? 'POST',
      ...(init?.headers ? { headers: init.headers } : {}),
      ...(init?.body !== undefined ? { body: init.body } : {}),
      dispatcher: agent,
      signal: AbortSignal.timeout(timeoutMs),
    });
}

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  signingKey: KeyLike;
  fetcher: Fetcher;
  timeoutMs: number;
}

/**
 * Calls one subgraph. Sends exactly the headers chosen here — content type, request id and a freshly
 * signed internal context — and nothing the client sent. Failures of the call itself become errors
 * with the gateway's codes; what they were is logged, not shown.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<RequestContext> {
  private readonly subgraph: string;
  private readonly signingKey: KeyLike;
  private readonly timeoutMs: number;

  constructor(options: SubgraphDataSourceOptions) {
    super({ url: options.url, fetcher: options.fetcher, apq: false, honorSubgraphCacheControlHeader: false });
    this.subgraph = options.name;
    this.signingKey = options.signingKey;
    this.timeoutMs = options.timeoutMs;
  }

  override async willSendRequest(options: GraphQLDataSourceProcessOptions<RequestContext>): Promise<void> {
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
    http.headers.set(
      INTERNAL_CONTEXT_HEADER,
      await signInternalContext(this.signingKey, context.auth, { requestId: context.requestId }),
    );
  }

  override didEncounterError(
    error: Error,
    _fetchRequest: unknown,
    fetchResponse?: { status: number },
    context?: RequestContext,
  ): void {
    const logger = context?.logger;
    const timedOut = error.name === 'TimeoutError' || error.name === 'AbortError';
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
