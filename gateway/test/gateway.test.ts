import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import pino from 'pino';
import { parse } from 'graphql';
import {
  ACCESS_DIRECTIVES_SDL,
  anonymousContext,
  createSubgraphServer,
  DataLoader,
  generateInternalContextKeys,
  importInternalContextPrivateKey,
  notFound,
  signInternalContext,
  type InternalContext,
  type RequestContext,
  type RunningSubgraph,
} from '@platform/service-kit';
import { createGateway, IDE_PATH, type GatewayOptions, type RunningGateway } from '../src/app';
import { composeSupergraph } from '../src/composition';
import {
  createAccessTokenIssuer,
  LOOPBACK,
  postGraphQL,
  guardOutboundConnections,
  tablePrincipals,
  type AccessTokenIssuer,
} from './support';

// Installed before anything below opens a socket: the last test asserts where connections went.
const outbound = guardOutboundConnections();
afterAll(() => outbound.restore());

const logger = pino({ level: 'silent' });
const principals = tablePrincipals({
  roles: ['admin', 'member'],
  permissions: ['contacts:read', 'contacts:write'],
});

const accountsSdl = /* GraphQL */ `
  ${ACCESS_DIRECTIVES_SDL}
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type User @key(fields: "id") {
    id: ID!
    name: String!
  }

  type Caller {
    organizationId: ID
    userId: ID
    roles: [String!]!
    permissions: [String!]!
  }

  input UserFilter {
    givenName: String
  }

  enum UserOrder {
    NAME_ASC
    NAME_DESC
  }

  type Query {
    users: [User!]! @public
    usersWhere(filter: UserFilter, order: UserOrder): [User!]! @public
    caller: Caller! @public
    missingUser: User @public
    explode: String @public
    slow: String @public
  }
`;

const notesSdl = /* GraphQL */ `
  ${ACCESS_DIRECTIVES_SDL}
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type User @key(fields: "id") {
    id: ID!
    notes: [Note!]!
  }

  type Note {
    text: String!
  }

  type Query {
    noteCount: Int @public
  }
`;

const users = [
  { id: 'u1', name: 'Ada' },
  { id: 'u2', name: 'Grace' },
];

interface NotesContext extends RequestContext {
  notes: DataLoader<string, string[]>;
}

describe('gateway', () => {
  let issuer: AccessTokenIssuer;
  let accounts: RunningSubgraph;
  let notes: RunningSubgraph;
  let gateway: RunningGateway;
  let supergraphSdl: string;
  let internalPrivateJwk: Awaited<ReturnType<typeof generateInternalContextKeys>>['privateJwk'];
  /** What the notes subgraph was told about the caller, and the raw headers it received. */
  const notesCalls: Array<{ auth: InternalContext; requestId: string }> = [];
  const notesHeaders: IncomingHttpHeaders[] = [];
  const accountsHeaders: IncomingHttpHeaders[] = [];
  /** Releases the `slow` resolver (it waits for the test, not for a clock). */
  let releaseSlow: () => void = () => undefined;

  beforeAll(async () => {
    issuer = await createAccessTokenIssuer();
    const internalKeys = await generateInternalContextKeys();
    internalPrivateJwk = internalKeys.privateJwk;
    accounts = await createSubgraphServer<RequestContext>({
      service: 'accounts',
      port: 0,
      logger,
      typeDefs: parse(accountsSdl),
      internalContextKey: internalKeys.publicJwk,
      context: (base) => ({ ...base }),
      resolvers: {
        Query: {
          users: () => users,
          usersWhere: () => users,
          caller: (_parent: unknown, _args: unknown, context: RequestContext) => context.auth,
          missingUser: () => Promise.reject(notFound('User', 'u404')),
          explode: () => Promise.reject(new Error('duplicate key value violates constraint "users_pkey"')),
          slow: () =>
            new Promise<string>((resolve) => {
              releaseSlow = () => resolve('finally');
            }),
        },
        User: {
          __resolveReference: (reference: { id: string }) => users.find((user) => user.id === reference.id),
        },
      },
    });
    notes = await createSubgraphServer<NotesContext>({
      service: 'notes',
      port: 0,
      logger,
      typeDefs: parse(notesSdl),
      internalContextKey: internalKeys.publicJwk,
      context: (base) => {
        notesCalls.push({ auth: base.auth, requestId: base.requestId });
        return {
          ...base,
          notes: new DataLoader<string, string[]>((ids) =>
            Promise.resolve(ids.map((id) => [`note of ${id}`])),
          ),
        };
      },
      resolvers: {
        Query: { noteCount: () => 0 },
        User: {
          __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
          notes: async (user: { id: string }, _args: unknown, context: NotesContext) =>
            (await context.notes.load(user.id)).map((text) => ({ text })),
        },
      },
    });
    notes.server.prependListener('request', (request: { headers: IncomingHttpHeaders }) => {
      notesHeaders.push(request.headers);
    });
    accounts.server.prependListener('request', (request: { headers: IncomingHttpHeaders }) => {
      accountsHeaders.push(request.headers);
    });
    const composed = composeSupergraph([
      { name: 'accounts', url: 'http://127.0.0.1:1/graphql', sdl: accountsSdl },
      { name: 'notes', url: 'http://127.0.0.1:1/graphql', sdl: notesSdl },
    ]);
    if (!composed.ok) throw new Error(composed.errors.join('\n'));
    supergraphSdl = composed.supergraphSdl;
    gateway = await createGateway({
      supergraphSdl,
      subgraphUrls: { accounts: accounts.graphqlUrl, notes: notes.graphqlUrl },
      jwks: { keySet: issuer.jwks },
      principals,
      internalContextKey: JSON.stringify(internalKeys.privateJwk),
      port: 0,
      logger,
    });
  });

  afterAll(async () => {
    releaseSlow();
    await gateway?.close();
    await Promise.all([accounts?.close(), notes?.close()]);
  });

  /** A second gateway over the same subgraphs, with other options. */
  const anotherGateway = (options: Partial<GatewayOptions>) =>
    createGateway({
      supergraphSdl,
      subgraphUrls: { accounts: accounts.graphqlUrl, notes: notes.graphqlUrl },
      jwks: { keySet: issuer.jwks },
      principals,
      internalContextKey: internalPrivateJwk,
      port: 0,
      logger,
      ...options,
    });

  const spanningQuery = '{ users { id name notes { text } } }';

  it('answers a query spanning both subgraphs through an entity reference', async () => {
    const result = await postGraphQL(gateway.graphqlUrl, spanningQuery);
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      data: {
        users: [
          { id: 'u1', name: 'Ada', notes: [{ text: 'note of u1' }] },
          { id: 'u2', name: 'Grace', notes: [{ text: 'note of u2' }] },
        ],
      },
      // users 1 + 20 × (id 1 + name 1 + notes 1 + 20 × text 1): lists without `first` count as 20.
      extensions: { cost: { estimated: 461, limit: 10_000 } },
    });
  });

  it("forwards the token's principal to the subgraphs as a verified internal context", async () => {
    const token = await issuer.sign({ sub: 'user-7', org: 'org-3' });
    notesCalls.length = 0;
    const result = await postGraphQL(
      gateway.graphqlUrl,
      `{ caller { organizationId userId roles permissions } ${spanningQuery.slice(1)}`,
      {
        authorization: `Bearer ${token}`,
        'x-request-id': 'edge-req-1',
      },
    );
    const principal = {
      organizationId: 'org-3',
      userId: 'user-7',
      roles: ['admin', 'member'],
      permissions: ['contacts:read', 'contacts:write'],
    };
    expect(result.body.data?.['caller']).toEqual(principal);
    expect(result.headers.get('x-request-id')).toBe('edge-req-1');
    expect(notesCalls).toEqual([
      { auth: expect.objectContaining(principal) as unknown, requestId: 'edge-req-1' },
    ]);
    expect(notesCalls[0]?.auth).toMatchObject({
      organizationStatus: 'active',
      clientAddress: expect.any(String) as unknown,
    });
  });

  it('signs one internal context per client request, shared by every subgraph fetch of its plan', async () => {
    const token = await issuer.sign({ sub: 'user-9', org: 'org-9' });
    const contexts = async () => {
      accountsHeaders.length = 0;
      notesHeaders.length = 0;
      const result = await postGraphQL(gateway.graphqlUrl, spanningQuery, {
        authorization: `Bearer ${token}`,
      });
      expect(result.body.errors).toBeUndefined();
      return [...accountsHeaders, ...notesHeaders].map((headers) => headers['x-internal-context']);
    };
    const first = await contexts();
    expect(first).toHaveLength(2);
    expect(new Set(first).size).toBe(1);
    const second = await contexts();
    expect(second[0]).not.toBe(first[0]);
  });

  it('never forwards client headers: a forged internal context is replaced by the gateway’s own', async () => {
    // A well-formed context signed with the real key, as if it had leaked: still not forwarded.
    const forged = await signInternalContext(
      await importInternalContextPrivateKey(internalPrivateJwk),
      {
        ...anonymousContext(),
        organizationId: 'victim-org',
        userId: 'victim',
        roles: ['owner'],
        permissions: ['contacts:read'],
      },
      { requestId: 'forged' },
    );
    notesCalls.length = 0;
    notesHeaders.length = 0;
    const result = await postGraphQL(
      gateway.graphqlUrl,
      `{ caller { organizationId userId roles } ${spanningQuery.slice(1)}`,
      {
        'x-internal-context': forged,
        'x-organization-id': 'victim-org',
        cookie: 'session=abc',
      },
    );
    expect(result.body.data?.['caller']).toEqual({ organizationId: null, userId: null, roles: [] });
    expect(notesCalls.map((call) => call.auth)).toEqual([
      expect.objectContaining({ organizationId: null, userId: null, roles: [], permissions: [] }),
    ]);
    expect(notesHeaders).toHaveLength(1);
    const received = notesHeaders[0] ?? {};
    expect(received['x-internal-context']).not.toBe(forged);
    expect(received['x-organization-id']).toBeUndefined();
    expect(received['cookie']).toBeUndefined();
    expect(received['authorization']).toBeUndefined();
  });

  it('refuses an invalid, expired or foreign bearer token with 401 UNAUTHENTICATED', async () => {
    const stranger = await createAccessTokenIssuer();
    const attempts = {
      garbage: 'Bearer not.a.token',
      'signed by another key': `Bearer ${await stranger.sign({ sub: 'u1' })}`,
      expired: `Bearer ${await issuer.sign({ sub: 'u1', org: 'o1' }, '-1m')}`,
      'not a bearer': 'Basic dXNlcjpwYXNz',
    };
    for (const [name, authorization] of Object.entries(attempts)) {
      const result = await postGraphQL(gateway.graphqlUrl, '{ users { id } }', { authorization });
      expect({ name, status: result.status, body: result.body }).toEqual({
        name,
        status: 401,
        body: {
          errors: [{ message: expect.any(String) as unknown, extensions: { code: 'UNAUTHENTICATED' } }],
        },
      });
    }
  });

  it('passes typed domain errors through and masks internal ones', async () => {
    const result = await postGraphQL(gateway.graphqlUrl, '{ missingUser { id } explode }');
    expect(result.body.data).toEqual({ missingUser: null, explode: null });
    expect(result.body.errors).toEqual(
      expect.arrayContaining([
        {
          message: 'User u404 not found',
          path: ['missingUser'],
          extensions: { code: 'NOT_FOUND', details: { entity: 'User', id: 'u404' } },
        },
        {
          message: 'Internal server error',
          path: ['explode'],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ]),
    );
    expect(JSON.stringify(result.body)).not.toMatch(/users_pkey|serviceName|accounts/);
  });

  it('answers a subgraph slower than its timeout with SUBGRAPH_TIMEOUT instead of hanging', async () => {
    const impatient = await anotherGateway({ subgraphTimeoutsMs: { accounts: 200 } });
    try {
      const result = await postGraphQL(impatient.graphqlUrl, '{ slow }');
      expect(result.body.data).toEqual({ slow: null });
      expect(result.body.errors).toEqual([
        { message: 'A backing service did not answer in time', extensions: { code: 'SUBGRAPH_TIMEOUT' } },
      ]);
    } finally {
      releaseSlow();
      await impatient.close();
    }
  });

  it('charges anonymous callers behind a trusted proxy by their forwarded address, and by the socket without one', async () => {
    // Each call costs 2 (caller, userId): the second call of an address goes over its budget of 3.
    const rateLimits = { windowSeconds: 3_600, budgets: { apiKey: 1_000, user: 1_000, anonymous: 3 } };
    const [behindProxy, direct] = await Promise.all([
      anotherGateway({ rateLimits, trustedProxyHops: 1 }),
      anotherGateway({ rateLimits }),
    ]);
    try {
      const query = '{ caller { userId } }';
      // The load balancer appends the address it saw; whatever the caller wrote stays to its left.
      const from = (address: string, written = '198.51.100.1') => ({
        'x-forwarded-for': `${written}, ${address}`,
      });
      const status = async (running: RunningGateway, headers: Record<string, string>) =>
        (await postGraphQL(running.graphqlUrl, query, headers)).status;
      for (const [running, separate] of [
        [behindProxy, true],
        [direct, false],
      ] as const) {
        expect(await status(running, from('203.0.113.1'))).toBe(200);
        expect(await status(running, from('203.0.113.1'))).toBe(429);
        // Another client: its own budget behind the trusted proxy; the same socket's budget without.
        expect(await status(running, from('203.0.113.2'))).toBe(separate ? 200 : 429);
      }
      // What the caller writes is not the address charged: the first client is still over budget.
      expect(await status(behindProxy, from('203.0.113.1', '198.51.100.99'))).toBe(429);
    } finally {
      await Promise.all([behindProxy.close(), direct.close()]);
    }
  });

  it('refuses a number of trusted proxy hops that is not a whole number from 0 to 10', async () => {
    await expect(anotherGateway({ trustedProxyHops: -1 })).rejects.toThrow(/hops/);
    await expect(anotherGateway({ trustedProxyHops: 1.5 })).rejects.toThrow(/hops/);
  });

  describe('production mode and CORS', () => {
    let production: RunningGateway;
    const APP = 'https://app.example.com';

    beforeAll(async () => {
      production = await anotherGateway({
        mode: 'production',
        // Asked for, and still off: production mode decides.
        introspection: true,
        corsOrigins: [APP],
      });
    });

    afterAll(async () => {
      await production?.close();
    });

    it('hides introspection and field suggestions in production, and shows them in development', async () => {
      const introspection = '{ __schema { queryType { name } } }';
      const misspelled = '{ user { id } }';
      const hidden = await postGraphQL(production.graphqlUrl, introspection);
      expect(hidden.body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
      const shown = await postGraphQL(gateway.graphqlUrl, introspection);
      expect(shown.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });

      const quiet = await postGraphQL(production.graphqlUrl, misspelled);
      expect(quiet.body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(quiet.body.errors?.[0]?.message).not.toContain('Did you mean');
      const helpful = await postGraphQL(gateway.graphqlUrl, misspelled);
      expect(helpful.body.errors?.[0]?.message).toContain('Did you mean "users"?');
      expect(JSON.stringify(quiet.body)).not.toMatch(/stacktrace/i);
    });

    it('strips suggestions from the errors of bad variables in production (input fields, enum values)', async () => {
      const query =
        'query Where($filter: UserFilter, $order: UserOrder) { usersWhere(filter: $filter, order: $order) { id } }';
      // Apollo's hideSchemaDetailsFromClientErrors leaves these: graphql-js reports them while coercing.
      const cases = [
        { variables: { filter: { givenNam: 'Ada' } }, suggested: 'givenName' },
        { variables: { order: 'NAME_AS' }, suggested: 'NAME_ASC' },
      ];
      for (const { variables, suggested } of cases) {
        const helpful = await postGraphQL(gateway.graphqlUrl, query, {}, variables);
        expect(helpful.body.errors?.[0]?.message).toContain(`Did you mean`);
        expect(helpful.body.errors?.[0]?.message).toContain(`"${suggested}"`);
        const quiet = await postGraphQL(production.graphqlUrl, query, {}, variables);
        expect(quiet.body.errors).toHaveLength(1);
        expect(quiet.body.errors?.[0]?.extensions?.['code']).toBe(
          helpful.body.errors?.[0]?.extensions?.['code'],
        );
        // What the caller wrote stays, so the error still says what is wrong.
        expect(quiet.body.errors?.[0]?.message).toContain(Object.keys(variables)[0] ?? '');
        expect(JSON.stringify(quiet.body)).not.toContain('Did you mean');
        expect(JSON.stringify(quiet.body)).not.toContain(`"${suggested}"`);
      }
    });

    it('shows no landing page: GET /graphql is refused with 405, GET / is not found, in either mode', async () => {
      for (const running of [gateway, production]) {
        const page = await fetch(running.graphqlUrl, { headers: { accept: 'text/html' } });
        expect(page.status).toBe(405);
        expect(page.headers.get('allow')).toBe('POST');
        expect(page.headers.get('content-type')).not.toMatch(/html/);
        expect(await page.text()).not.toMatch(/<html|<!doctype/i);
        const root = await fetch(`${running.url}/`, { headers: { accept: 'text/html' } });
        expect(root.status).toBe(404);
        expect(root.headers.get('content-type')).not.toMatch(/html/);
        expect(await root.text()).not.toMatch(/<html|<!doctype/i);
      }
    });

    it('answers browsers of allowed origins only, preflight included', async () => {
      const preflight = await fetch(production.graphqlUrl, {
        method: 'OPTIONS',
        headers: { origin: APP, 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(APP);
      expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
      const allowed = await postGraphQL(production.graphqlUrl, '{ users { id } }', { origin: APP });
      expect(allowed.headers.get('access-control-allow-origin')).toBe(APP);
      expect(allowed.headers.get('access-control-expose-headers')).toContain('x-request-id');

      const foreign = 'https://evil.example.com';
      const refusedPreflight = await fetch(production.graphqlUrl, {
        method: 'OPTIONS',
        headers: { origin: foreign, 'access-control-request-method': 'POST' },
      });
      expect(refusedPreflight.headers.get('access-control-allow-origin')).toBeNull();
      const other = await postGraphQL(production.graphqlUrl, '{ users { id } }', { origin: foreign });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      // The development gateway allows no origin at all unless configured.
      const none = await postGraphQL(gateway.graphqlUrl, '{ users { id } }', { origin: APP });
      expect(none.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('serves GraphiQL from its own dependencies in development, and not in production', async () => {
      const page = await fetch(`${gateway.url}${IDE_PATH}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('GraphiQL.createFetcher');
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
      expect(assets.sort()).toEqual(
        ['graphiql.css', 'graphiql.js', 'react-dom.js', 'react.js'].map((name) => `${IDE_PATH}/${name}`),
      );
      for (const asset of assets) {
        const answer = await fetch(`${gateway.url}${asset}`);
        expect(answer.status).toBe(200);
        expect(answer.headers.get('content-type')).toMatch(
          asset.endsWith('.css') ? /^text\/css/ : /^text\/javascript/,
        );
        expect((await answer.arrayBuffer()).byteLength).toBeGreaterThan(1000);
      }
      expect((await fetch(`${production.url}${IDE_PATH}`)).status).toBe(404);
    });
  });

  it('serves health probes', async () => {
    expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${gateway.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: { 'subgraph accounts': 'ok', 'subgraph notes': 'ok' },
    });
  });

  it('starts with a subgraph down, answers partial data with typed errors, and says which one is missing', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const notesDown = `http://127.0.0.1:${closed}/graphql`;
    const degraded = await anotherGateway({
      subgraphUrls: { accounts: accounts.graphqlUrl, notes: notesDown },
      criticalSubgraphs: ['accounts'],
    });
    const accountsDown = await anotherGateway({
      subgraphUrls: { accounts: notesDown, notes: notes.graphqlUrl },
      criticalSubgraphs: ['accounts'],
    });
    try {
      // The part the running subgraph answers comes back; the missing one's field is null, with its error.
      const result = await postGraphQL(degraded.graphqlUrl, '{ users { id name } noteCount }');
      expect(result.body.data).toEqual({
        users: [
          { id: 'u1', name: 'Ada' },
          { id: 'u2', name: 'Grace' },
        ],
        noteCount: null,
      });
      expect(result.body.errors?.map((error) => error.extensions?.['code'])).toContain(
        'SUBGRAPH_UNAVAILABLE',
      );
      const report = await fetch(`${degraded.url}/health/ready`);
      expect(report.status).toBe(200);
      expect(await report.json()).toMatchObject({
        status: 'degraded',
        checks: {
          'subgraph accounts': 'ok',
          'subgraph notes': expect.stringContaining('unreachable') as string,
        },
      });
      const notReady = await fetch(`${accountsDown.url}/health/ready`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({
        status: 'not_ready',
        checks: { 'subgraph notes': 'ok' },
      });
    } finally {
      await Promise.all([degraded.close(), accountsDown.close()]);
    }
  });

  it('opened no connection beyond the loopback while starting and serving', () => {
    expect(outbound.attempts.length).toBeGreaterThan(0);
    expect(outbound.attempts.filter((target) => !LOOPBACK.test(target))).toEqual([]);
  });
});
