import { SignJWT } from 'jose';
import { parse } from 'graphql';
import { z } from 'zod';
import {
  ACCESS_DIRECTIVES_SDL,
  anonymousContext,
  createSubgraphServer,
  DataLoader,
  generateInternalContextKeys,
  importInternalContextPrivateKey,
  notFound,
  orderByKeys,
  parseInput,
  signInternalContext,
  type InternalContext,
  type KeyLike,
  type RequestContext,
  type RunningSubgraph,
} from '../src';
import { capturingLogger, postGraphQL, type LogLine } from './support';

const typeDefs = parse(/* GraphQL */ `
  ${ACCESS_DIRECTIVES_SDL}
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type Product @key(fields: "id") {
    id: ID!
    name: String!
  }

  type Caller {
    organizationId: ID
    userId: ID
    roles: [String!]!
    permissions: [String!]!
    requestId: String!
  }

  type Query {
    caller: Caller! @public
    product(id: ID!): Product @public
    explode: String @public
  }

  type Mutation {
    createProduct(name: String!, price: Int!): Product! @public
  }
`);

interface Product {
  id: string;
  name: string;
}

interface Context extends RequestContext {
  products: DataLoader<string, Product | null>;
}

const catalog = new Map<string, Product>(
  Array.from({ length: 60 }, (_, index) => [`p${index}`, { id: `p${index}`, name: `Product ${index}` }]),
);
const productInput = z.object({ name: z.string().min(2), price: z.number().int().positive() });

const member: InternalContext = {
  ...anonymousContext(),
  organizationId: '5b0c8a2e-6f53-4f0e-9a55-2f6f1c1d9a01',
  userId: '0f8e5d7c-1b2a-4c3d-8e9f-001122334455',
  roles: ['admin'],
  permissions: ['contacts:read', 'contacts:write'],
};

describe('subgraph server', () => {
  let subgraph: RunningSubgraph;
  let privateKey: KeyLike;
  let strangerKey: KeyLike;
  let logLines: LogLine[];
  /** Keys each batch call of the product loader received. */
  const batches: string[][] = [];

  beforeAll(async () => {
    const keys = await generateInternalContextKeys();
    privateKey = await importInternalContextPrivateKey(keys.privateJwk);
    strangerKey = await importInternalContextPrivateKey((await generateInternalContextKeys()).privateJwk);
    const { logger, lines } = capturingLogger();
    logLines = lines;
    subgraph = await createSubgraphServer<Context>({
      service: 'catalog',
      port: 0,
      logger,
      typeDefs,
      internalContextKey: JSON.stringify(keys.publicJwk),
      readiness: [],
      routes: {
        '/.well-known/jwks.json': (_request, response) => {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ keys: [] }));
        },
      },
      context: (base) => ({
        ...base,
        products: new DataLoader<string, Product | null>((ids) => {
          batches.push([...ids]);
          const rows = ids.flatMap((id) => catalog.get(id) ?? []);
          return Promise.resolve(orderByKeys(ids, rows, (product) => product.id));
        }),
      }),
      resolvers: {
        Query: {
          caller: (_parent: unknown, _args: unknown, context: Context) => ({
            ...context.auth,
            requestId: context.requestId,
          }),
          product: async (_parent: unknown, args: { id: string }, context: Context) =>
            (await context.products.load(args.id)) ?? Promise.reject(notFound('Product', args.id)),
          explode: () => {
            throw new Error('connect ECONNREFUSED 10.1.2.3:5432 (products_db)');
          },
        },
        Mutation: {
          createProduct: (_parent: unknown, args: unknown) => {
            const input = parseInput(productInput, args);
            return { id: 'new', name: input.name };
          },
        },
        Product: {
          __resolveReference: (reference: { id: string }, context: Context) =>
            context.products.load(reference.id),
        },
      },
    });
  });

  afterAll(async () => {
    await subgraph.close();
  });

  const contextHeader = async (context: InternalContext = member, key: KeyLike = privateKey) => ({
    'x-internal-context': await signInternalContext(key, context, { requestId: 'rid-1' }),
  });

  it('runs an operation for a valid internal context and hands the context to resolvers', async () => {
    const result = await postGraphQL(
      subgraph.graphqlUrl,
      { query: '{ caller { organizationId userId roles permissions requestId } }' },
      { ...(await contextHeader()), 'x-request-id': 'req-from-gateway-42' },
    );
    expect(result.status).toBe(200);
    const { organizationId, userId, roles, permissions } = member;
    expect(result.body).toEqual({
      data: { caller: { organizationId, userId, roles, permissions, requestId: 'req-from-gateway-42' } },
    });
    expect(result.headers.get('x-request-id')).toBe('req-from-gateway-42');
  });

  it('generates a request id when none is given and echoes it', async () => {
    const anonymous = anonymousContext();
    const result = await postGraphQL(
      subgraph.graphqlUrl,
      { query: '{ caller { organizationId userId requestId } }' },
      await contextHeader(anonymous),
    );
    const requestId = result.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.body.data).toEqual({ caller: { organizationId: null, userId: null, requestId } });
  });

  describe('refuses requests without a valid internal context with 401 UNAUTHENTICATED', () => {
    const query = { query: '{ caller { userId } }' };
    const expectRefused = async (headers: Record<string, string>): Promise<void> => {
      const result = await postGraphQL(subgraph.graphqlUrl, query, headers);
      expect(result.status).toBe(401);
      expect(result.body.data).toBeUndefined();
      expect(result.body.errors).toEqual([
        {
          message: expect.stringContaining('internal context') as unknown,
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ]);
    };

    it('no header', () => expectRefused({}));
    it('garbage', () => expectRefused({ 'x-internal-context': 'not-a-token' }));
    it('expired', async () =>
      expectRefused({
        'x-internal-context': await signInternalContext(privateKey, member, {
          requestId: 'old',
          now: new Date(Date.now() - 5 * 60_000),
        }),
      }));
    it('forged: signed with another key', async () =>
      expectRefused(await contextHeader(member, strangerKey)));
    it('wrong audience', async () =>
      expectRefused({
        'x-internal-context': await new SignJWT({ org: null, roles: [], perms: [], rid: 'r' })
          .setProtectedHeader({ alg: 'EdDSA' })
          .setIssuer('gateway')
          .setAudience('someone-else')
          .setIssuedAt()
          .setExpirationTime('30s')
          .setJti('j')
          .sign(privateKey),
      }));
    it('wrong issuer', async () =>
      expectRefused({
        'x-internal-context': await new SignJWT({ org: null, roles: [], perms: [], rid: 'r' })
          .setProtectedHeader({ alg: 'EdDSA' })
          .setIssuer('identity')
          .setAudience('subgraph')
          .setIssuedAt()
          .setExpirationTime('30s')
          .setJti('j')
          .sign(privateKey),
      }));
  });

  it('maps a DomainError to its code and message', async () => {
    const result = await postGraphQL(
      subgraph.graphqlUrl,
      { query: '{ product(id: "missing") { id } }' },
      await contextHeader(),
    );
    expect(result.body.errors).toEqual([
      {
        message: 'Product missing not found',
        locations: [{ line: 1, column: 3 }],
        path: ['product'],
        extensions: { code: 'NOT_FOUND', details: { entity: 'Product', id: 'missing' } },
      },
    ]);
  });

  it('masks an unexpected error and logs it with its stack under the request id', async () => {
    const result = await postGraphQL(
      subgraph.graphqlUrl,
      { query: 'query Boom { explode }' },
      { ...(await contextHeader()), 'x-request-id': 'req-boom' },
    );
    expect(result.body.errors).toEqual([
      {
        message: 'Internal server error',
        locations: [{ line: 1, column: 14 }],
        path: ['explode'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      },
    ]);
    expect(JSON.stringify(result.body)).not.toContain('ECONNREFUSED');
    const logged = logLines.find(
      (line) => line.msg === 'unexpected error in operation' && line['requestId'] === 'req-boom',
    );
    expect(logged).toMatchObject({ err: { message: expect.stringContaining('ECONNREFUSED') as unknown } });
    expect(JSON.stringify(logged)).toContain('subgraph-server.test.ts');
  });

  it('keeps Apollo codes for requests refused before execution', async () => {
    const result = await postGraphQL(subgraph.graphqlUrl, { query: '{ nope }' }, await contextHeader());
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]).toMatchObject({
      message: expect.stringContaining('nope') as unknown,
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('turns a zod input failure into BAD_USER_INPUT with the failing fields', async () => {
    const result = await postGraphQL(
      subgraph.graphqlUrl,
      { query: 'mutation { createProduct(name: "x", price: -3) { id } }' },
      await contextHeader(),
    );
    expect(result.body.errors).toHaveLength(1);
    expect(result.body.errors?.[0]).toMatchObject({
      message: 'Invalid input',
      path: ['createProduct'],
      extensions: {
        code: 'BAD_USER_INPUT',
        details: {
          issues: [
            { path: 'name', code: 'too_small', message: expect.any(String) as unknown },
            { path: 'price', code: 'too_small', message: expect.any(String) as unknown },
          ],
        },
      },
    });
  });

  it('resolves 50 entity representations with one batch call, and a fresh loader per request', async () => {
    const ids = Array.from({ length: 50 }, (_, index) => `p${index}`);
    const query = {
      query:
        'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { id name } } }',
      variables: { representations: ids.map((id) => ({ __typename: 'Product', id })) },
    };
    batches.length = 0;
    const result = await postGraphQL(subgraph.graphqlUrl, query, await contextHeader());
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data?.['_entities']).toEqual(ids.map((id) => catalog.get(id)));
    expect(batches).toEqual([ids]);

    await postGraphQL(subgraph.graphqlUrl, query, await contextHeader());
    expect(batches).toHaveLength(2);
  });

  it('logs one line per request with operation name, status, duration and request id', async () => {
    await postGraphQL(
      subgraph.graphqlUrl,
      { query: 'query WhoAmI { caller { userId } }' },
      { ...(await contextHeader()), 'x-request-id': 'req-log-1' },
    );
    const requestLines = logLines.filter(
      (line) => line.msg === 'graphql request' && line['requestId'] === 'req-log-1',
    );
    expect(requestLines).toEqual([
      expect.objectContaining({
        level: 30,
        operationName: 'WhoAmI',
        status: 200,
        durationMs: expect.any(Number) as unknown,
      }),
    ]);
  });

  it('serves health probes and extra routes without an internal context', async () => {
    expect((await fetch(`${subgraph.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${subgraph.url}/health/ready`)).status).toBe(200);
    const jwks = await fetch(`${subgraph.url}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
    expect(await jwks.json()).toEqual({ keys: [] });
  });
});
