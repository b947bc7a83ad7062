import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import {
  ACCESS_DIRECTIVES_SDL,
  accessDeclarations,
  anonymousContext,
  authorize,
  createSubgraphServer,
  enforceAccess,
  generateInternalContextKeys,
  importInternalContextPrivateKey,
  signInternalContext,
  type InternalContext,
  type KeyLike,
  type RequestContext,
  type RunningSubgraph,
} from '../src';
import { capturingLogger, postGraphQL } from './support';

const typeDefs = parse(/* GraphQL */ `
  ${ACCESS_DIRECTIVES_SDL}
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type Person @key(fields: "id") {
    id: ID!
    name: String!
    email: String @permission(name: "contacts:read_pii")
  }

  type Query {
    person: Person! @permission(name: "contacts:read")
    whoami: String @signedIn
    hello: String! @public
  }

  type Mutation {
    renamePerson(name: String!): Person! @permission(name: "contacts:write")
    signIn: String! @public
  }
`);

const person = { id: 'p1', name: 'Ada', email: 'ada@example.com' };

const member = (permissions: string[], extra: Partial<InternalContext> = {}): InternalContext => ({
  ...anonymousContext(),
  organizationId: '5b0c8a2e-6f53-4f0e-9a55-2f6f1c1d9a01',
  userId: '0f8e5d7c-1b2a-4c3d-8e9f-001122334455',
  roles: ['custom'],
  permissions,
  organizationStatus: 'active',
  ...extra,
});

describe('access directives, enforced by the kit', () => {
  let subgraph: RunningSubgraph;
  let privateKey: KeyLike;

  beforeAll(async () => {
    const keys = await generateInternalContextKeys();
    privateKey = await importInternalContextPrivateKey(keys.privateJwk);
    subgraph = await createSubgraphServer<RequestContext>({
      service: 'people',
      port: 0,
      logger: capturingLogger().logger,
      typeDefs,
      internalContextKey: keys.publicJwk,
      context: (base) => base,
      resolvers: {
        Query: {
          person: () => person,
          whoami: (_parent: unknown, _args: unknown, context: RequestContext) => context.auth.userId,
          hello: () => 'hello',
        },
        Mutation: {
          renamePerson: (_parent: unknown, args: { name: string }) => ({ ...person, name: args.name }),
          signIn: () => 'signed in',
        },
      },
    });
  });

  afterAll(async () => {
    await subgraph.close();
  });

  const call = async (auth: InternalContext, query: string) =>
    postGraphQL(
      subgraph.graphqlUrl,
      { query },
      { 'x-internal-context': await signInternalContext(privateKey, auth, { requestId: 'r' }) },
    );

  it('lets a caller with the permission through', async () => {
    const result = await call(member(['contacts:read', 'contacts:read_pii']), '{ person { name email } }');
    expect(result.body).toEqual({ data: { person: { name: 'Ada', email: 'ada@example.com' } } });
  });

  it('refuses a root field without the permission with FORBIDDEN naming it', async () => {
    const result = await call(member(['contacts:read']), 'mutation { renamePerson(name: "Bo") { name } }');
    expect(result.body.data).toBeNull();
    expect(result.body.errors).toEqual([
      expect.objectContaining({
        message: 'Requires the permission contacts:write',
        extensions: { code: 'FORBIDDEN' },
      }),
    ]);
  });

  it('refuses anonymous callers with UNAUTHENTICATED, and lets them call public fields', async () => {
    const refused = await call(anonymousContext(), '{ whoami }');
    expect(refused.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
    const allowed = await call(anonymousContext(), '{ hello }');
    expect(allowed.body).toEqual({ data: { hello: 'hello' } });
  });

  it('lets any signed-in caller call @signedIn fields, whatever their permissions', async () => {
    const result = await call(member([]), '{ whoami }');
    expect(result.body).toEqual({ data: { whoami: '0f8e5d7c-1b2a-4c3d-8e9f-001122334455' } });
  });

  it('reads personal data as null without the permission and names it in extensions.redactedFields', async () => {
    const result = await call(member(['contacts:read']), '{ person { name email } }');
    expect(result.body).toEqual({
      data: { person: { name: 'Ada', email: null } },
      extensions: { redactedFields: [{ field: 'Person.email', permission: 'contacts:read_pii' }] },
    });
  });

  it('in a suspended organization: reads work, writes fail with ORGANIZATION_SUSPENDED, public ones still run', async () => {
    const suspended = member(['contacts:read', 'contacts:write'], { organizationStatus: 'suspended' });
    expect((await call(suspended, '{ person { name } }')).body).toEqual({
      data: { person: { name: 'Ada' } },
    });
    const write = await call(suspended, 'mutation { renamePerson(name: "Bo") { name } }');
    expect(write.body.errors?.[0]?.extensions).toEqual({ code: 'ORGANIZATION_SUSPENDED' });
    expect((await call(suspended, 'mutation { signIn }')).body).toEqual({ data: { signIn: 'signed in' } });
  });

  it('an API key acts like a signed-in caller with its scopes as permissions', async () => {
    const key = member(['contacts:read'], { userId: null, apiKeyId: 'key-1' });
    expect((await call(key, '{ person { name } }')).body).toEqual({ data: { person: { name: 'Ada' } } });
    const write = await call(key, 'mutation { renamePerson(name: "Bo") { name } }');
    expect(write.body.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN' });
  });
});

describe('access declarations', () => {
  const schemaOf = (sdl: string) =>
    buildSubgraphSchema([
      {
        typeDefs: parse(`${ACCESS_DIRECTIVES_SDL}\n${sdl}`),
        resolvers: { Query: { a: () => 'a', b: () => 'b' } },
      },
    ]);

  it('refuses a schema with a root field that declares no access, naming it', () => {
    expect(() => enforceAccess(schemaOf('type Query { a: String @public b: String }'))).toThrow(
      /missing on: Query\.b/,
    );
  });

  it('refuses a protected non-null field below the root: a caller without the permission must read null', () => {
    const sdl = `
      type Person { id: ID! secret: String! @permission(name: "contacts:read_pii") }
      type Query { a: String @public b: String @public person: Person @public }`;
    expect(() => enforceAccess(schemaOf(sdl))).toThrow(/must be nullable.*Person\.secret/);
  });

  it('refuses a permission the platform does not know', () => {
    expect(() =>
      enforceAccess(
        schemaOf('type Query { a: String @permission(name: "contacts:reed") b: String @public }'),
      ),
    ).toThrow(/"contacts:reed", which is not a platform permission/);
  });

  it('refuses a field that declares access twice', () => {
    expect(() =>
      enforceAccess(schemaOf('type Query { a: String @public @signedIn b: String @public }')),
    ).toThrow(/Query\.a declares access more than once/);
  });

  it('lists every declaration by coordinate', () => {
    const declarations = accessDeclarations(
      schemaOf('type Query { a: String @permission(name: "contacts:read") b: String @signedIn }'),
    );
    expect(Object.fromEntries(declarations)).toEqual({
      'Query.a': { kind: 'permission', permission: 'contacts:read' },
      'Query.b': { kind: 'signedIn' },
    });
  });

  it('authorize: UNAUTHENTICATED before FORBIDDEN, suspension only for writes', () => {
    const requirement = { kind: 'permission', permission: 'contacts:write' } as const;
    expect(() => authorize(anonymousContext(), requirement)).toThrow('Authentication required');
    expect(() => authorize(member([]), requirement)).toThrow('Requires the permission contacts:write');
    expect(() => authorize(member(['contacts:write']), requirement, 'write')).not.toThrow();
    const suspended = member(['contacts:write'], { organizationStatus: 'suspended' });
    expect(() => authorize(suspended, requirement, 'read')).not.toThrow();
    expect(() => authorize(suspended, requirement, 'write')).toThrow(/suspended/);
  });
});
