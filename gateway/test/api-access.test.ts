import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import pino from 'pino';
import { parse } from 'graphql';
import { z } from 'zod';
import { createEvent, toKafkaMessage, topicName } from '@platform/events';
import { createKafkaMessaging } from '@platform/messaging';
import {
  ACCESS_DIRECTIVES_SDL,
  createSubgraphServer,
  generateInternalContextKeys,
  importInternalContextPrivateKey,
  type RequestContext,
  type RunningSubgraph,
} from '@platform/service-kit';
import { createEventTopics } from '@platform/service-kit/testing';
import { API_ACCESS_REFUSED, createGateway, type RunningGateway } from '../src/app';
import { composeSupergraph } from '../src/composition';
import {
  identityPrincipals,
  startPrincipalInvalidation,
  type Principal,
  type PrincipalSource,
} from '../src/principals';
import { createAccessTokenIssuer, type AccessTokenIssuer } from './support';

// API access by plan at the edge: a read-only organization's API key runs queries and is refused every
// mutation (403 FORBIDDEN naming the plan's API access) before any subgraph is called, by text or by
// persisted-query hash; a full organization's key and the read-only organization's users write. Then the
// principal cache: billing's entitlements events drop an organization's principals, and an answer from
// identity that predates the newest version is served but not kept.

const logger = pino({ level: 'silent' });
const READ_ONLY_KEY = `crmk_${'r'.repeat(38)}`;
const FULL_KEY = `crmk_${'f'.repeat(38)}`;
const FREE_ORG = 'org-free';
const PRO_ORG = 'org-pro';

const sdl = /* GraphQL */ `
  ${ACCESS_DIRECTIVES_SDL}
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type Query {
    contacts: [String!]! @public
  }

  type Mutation {
    createContact(name: String!): String! @public
  }
`;

const responseBody = z.object({
  data: z.record(z.string(), z.unknown()).nullable().optional(),
  errors: z
    .array(z.object({ message: z.string(), extensions: z.record(z.string(), z.unknown()).optional() }))
    .optional(),
  extensions: z.record(z.string(), z.unknown()).optional(),
});

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** A principal of `organizationId`; an API key's carries its organization's API access. */
function principalOf(
  organizationId: string,
  apiKey: { level: 'read_only' | 'full'; planId: string } | null,
): Principal {
  return {
    organizationId,
    userId: `${organizationId}-user`,
    apiKeyId: apiKey ? `${organizationId}-key` : null,
    actingFromOrganizationId: null,
    roles: apiKey ? [] : ['owner'],
    permissions: ['contacts:read', 'contacts:write'],
    organizationStatus: 'active',
    apiAccess: apiKey ? { ...apiKey, version: 2 } : null,
  };
}

describe('API access by plan at the gateway', () => {
  let issuer: AccessTokenIssuer;
  let subgraph: RunningSubgraph;
  let gateway: RunningGateway;
  const created: string[] = [];
  let subgraphRequests = 0;

  const principals: PrincipalSource = {
    resolve(credential) {
      if (credential.type === 'user') return Promise.resolve(principalOf(credential.organizationId, null));
      if (credential.key === READ_ONLY_KEY)
        return Promise.resolve(principalOf(FREE_ORG, { level: 'read_only', planId: 'free' }));
      return Promise.resolve(principalOf(PRO_ORG, { level: 'full', planId: 'pro' }));
    },
    evictOrganization: () => undefined,
    entitlementsChanged: () => undefined,
    clear: () => undefined,
  };

  beforeAll(async () => {
    issuer = await createAccessTokenIssuer();
    const keys = await generateInternalContextKeys();
    subgraph = await createSubgraphServer<RequestContext>({
      service: 'records',
      port: 0,
      logger,
      typeDefs: parse(sdl),
      internalContextKey: keys.publicJwk,
      context: (base) => base,
      resolvers: {
        Query: { contacts: () => created },
        Mutation: {
          createContact: (_parent: unknown, { name }: { name: string }) => {
            created.push(name);
            return name;
          },
        },
      },
    });
    subgraph.server.prependListener('request', () => {
      subgraphRequests += 1;
    });
    const composed = composeSupergraph([{ name: 'records', url: 'http://127.0.0.1:1/graphql', sdl }]);
    if (!composed.ok) throw new Error(composed.errors.join('\n'));
    gateway = await createGateway({
      supergraphSdl: composed.supergraphSdl,
      subgraphUrls: { records: subgraph.graphqlUrl },
      jwks: { keySet: issuer.jwks },
      principals,
      internalContextKey: keys.privateJwk,
      port: 0,
      logger,
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await subgraph?.close();
  });

  async function post(body: unknown, headers: Record<string, string>) {
    const response = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: responseBody.parse(await response.json()) };
  }

  const readOnly = { 'x-api-key': READ_ONLY_KEY };
  const full = { 'x-api-key': FULL_KEY };
  const CREATE = 'mutation Create($name: String!) { createContact(name: $name) }';

  it('lets a read-only organization’s API key query, and refuses its mutation before any subgraph is called', async () => {
    const read = await post({ query: '{ contacts }' }, readOnly);
    expect(read.status).toBe(200);
    expect(read.body.errors).toBeUndefined();
    expect(Array.isArray(read.body.data?.['contacts'])).toBe(true);

    const before = subgraphRequests;
    const write = await post({ query: CREATE, variables: { name: 'By a free key' } }, readOnly);
    expect(write.status).toBe(403);
    expect(write.body.data).toBeUndefined();
    expect(write.body.errors?.map((error) => error.extensions)).toEqual([
      {
        code: API_ACCESS_REFUSED,
        details: {
          reason: 'plan_feature',
          feature: 'api_write',
          required: 'full',
          current: 'read_only',
          planId: 'free',
        },
      },
    ]);
    expect(write.body.errors?.[0]?.message).toContain('read-only');
    expect(API_ACCESS_REFUSED).toBe('FORBIDDEN');
    expect(subgraphRequests).toBe(before);
    expect(created).not.toContain('By a free key');
  });

  it('refuses the mutation of a document that also holds a query, and runs its query', async () => {
    const document = `query Read { contacts } ${CREATE}`;
    const read = await post({ query: document, operationName: 'Read' }, readOnly);
    expect(read.status).toBe(200);
    expect(read.body.errors).toBeUndefined();
    const write = await post(
      { query: document, operationName: 'Create', variables: { name: 'x' } },
      readOnly,
    );
    expect(write.status).toBe(403);
    expect(write.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('refuses it sent as a persisted-query hash too: the operation decides, not its text', async () => {
    const hash = sha256(CREATE);
    const persisted = { persistedQuery: { version: 1, sha256Hash: hash } };
    // A full-access key registers the text (automatic persisted queries) and writes.
    const registered = await post(
      { query: CREATE, variables: { name: 'Registered' }, extensions: persisted },
      full,
    );
    expect(registered.body.errors).toBeUndefined();
    expect(registered.body.data).toEqual({ createContact: 'Registered' });
    const before = subgraphRequests;
    const byHash = await post({ variables: { name: 'By hash' }, extensions: persisted }, readOnly);
    expect(byHash.status).toBe(403);
    expect(byHash.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(subgraphRequests).toBe(before);
  });

  it('lets a full organization’s key write, and the read-only organization’s users too', async () => {
    const byKey = await post({ query: CREATE, variables: { name: 'By a pro key' } }, full);
    expect(byKey.status).toBe(200);
    expect(byKey.body.data).toEqual({ createContact: 'By a pro key' });
    const token = await issuer.sign({ sub: 'someone', org: FREE_ORG });
    const byUser = await post(
      { query: CREATE, variables: { name: 'By a free user' } },
      { authorization: `Bearer ${token}` },
    );
    expect(byUser.status).toBe(200);
    expect(byUser.body.data).toEqual({ createContact: 'By a free user' });
  });
});

describe('cached principals and billing’s entitlements', () => {
  let identity: Server;
  let url: string;
  let calls = 0;
  /** The API access identity answers for the key: its level and billing's version it comes from. */
  let answer: { level: 'read_only' | 'full'; version: number } = { level: 'full', version: 1 };
  const organizationId = randomUUID();

  beforeAll(async () => {
    identity = createServer((request, response) => {
      calls += 1;
      request.resume();
      request.on('end', () => {
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify({
            principal: {
              ...principalOf(organizationId, { level: answer.level, planId: 'pro' }),
              apiAccess: { ...answer, planId: answer.level === 'full' ? 'pro' : 'free' },
            },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => identity.listen(0, '127.0.0.1', resolve));
    const address = identity.address();
    if (address === null || typeof address === 'string')
      throw new Error('identity stand-in is not listening');
    url = `http://127.0.0.1:${address.port}/internal/principal`;
  });

  afterAll(async () => {
    await new Promise((resolve) => identity.close(resolve));
  });

  it('drops an organization’s principals on its entitlements event, and keeps none older than the event', async () => {
    const keys = await generateInternalContextKeys();
    const source = identityPrincipals({
      url,
      signingKey: await importInternalContextPrivateKey(keys.privateJwk),
    });
    const key = { type: 'api_key' as const, key: FULL_KEY };
    calls = 0;
    answer = { level: 'full', version: 1 };
    expect((await source.resolve(key)).apiAccess).toMatchObject({ level: 'full', version: 1 });
    await source.resolve(key);
    expect(calls).toBe(1);

    // billing downgraded the organization (version 2); identity has not applied it yet.
    source.entitlementsChanged(organizationId, 2);
    expect((await source.resolve(key)).apiAccess).toMatchObject({ level: 'full', version: 1 });
    expect(calls).toBe(2);
    // That answer was not kept: the next request asks again, and identity has it now.
    answer = { level: 'read_only', version: 2 };
    expect((await source.resolve(key)).apiAccess).toMatchObject({ level: 'read_only', version: 2 });
    expect(calls).toBe(3);
    await source.resolve(key);
    expect(calls).toBe(3);

    // An older event (a redelivery) drops the entry but does not lower what is required.
    source.entitlementsChanged(organizationId, 1);
    answer = { level: 'full', version: 1 };
    await source.resolve(key);
    await source.resolve(key);
    expect(calls).toBe(5);
  });

  it('follows billing’s entitlements topic beside identity’s, telling the version', async () => {
    const topics = await createEventTopics();
    const messaging = createKafkaMessaging({ brokers: topics.brokers, clientId: 'gateway-test' });
    const heard: Array<[string, string, number | null]> = [];
    const recording: PrincipalSource = {
      resolve: () => Promise.reject(new Error('not asked')),
      evictOrganization: (id) => heard.push(['evict', id, null]),
      entitlementsChanged: (id, version) => heard.push(['entitlements', id, version]),
      clear: () => undefined,
    };
    const invalidation = await startPrincipalInvalidation({
      messaging,
      topicPrefix: topics.prefix,
      principals: recording,
      logger,
    });
    try {
      const organization = randomUUID();
      const changed = (version: number) =>
        createEvent('billing.entitlements.changed.v1', {
          source: '/services/billing',
          subject: organization,
          tenantId: organization,
          data: {
            organizationId: organization,
            subscriptionId: randomUUID(),
            planId: 'free',
            status: 'canceled',
            version,
            entitlements: {
              contactLimit: 100,
              customFieldLimit: 5,
              storageGb: 1,
              aiInsights: 'none',
              apiAccess: 'read_only',
              interactionTracking: 'limited',
              support: 'community',
              seats: 3,
            },
            changedAt: new Date().toISOString(),
          },
        });
      // The group starts at the end of the topic: publish until it has joined and heard one.
      const deadline = Date.now() + 30_000;
      let version = 1;
      while (!heard.some(([kind]) => kind === 'entitlements')) {
        if (Date.now() > deadline) throw new Error('the entitlements event was not heard within 30 s');
        await messaging.producer.send(topicName('billing.entitlements', topics.prefix), [
          toKafkaMessage(changed(version)),
        ]);
        version += 1;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const [kind, id, told] = heard.find(([candidate]) => candidate === 'entitlements') ?? [];
      expect(kind).toBe('entitlements');
      expect(id).toBe(organization);
      expect(told).toBeGreaterThanOrEqual(1);
      expect(heard.filter(([candidate]) => candidate === 'evict')).toEqual([]);

      // identity's events still evict by their tenant, as before.
      const created = createEvent('identity.organization.created.v1', {
        source: '/services/identity',
        subject: organization,
        tenantId: organization,
        data: {
          organizationId: organization,
          name: 'Acme',
          slug: `acme-${organization.slice(0, 8)}`,
          vertical: 'general',
          status: 'active',
          parentOrganizationId: null,
          createdAt: new Date().toISOString(),
        },
      });
      await messaging.producer.send(topicName('identity.organization', topics.prefix), [
        toKafkaMessage(created),
      ]);
      const evictedBy = Date.now() + 30_000;
      while (!heard.some(([candidate]) => candidate === 'evict')) {
        if (Date.now() > evictedBy) throw new Error('the identity event was not heard within 30 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(heard.filter(([candidate]) => candidate === 'evict')).toEqual([['evict', organization, null]]);
    } finally {
      await invalidation.stop();
      await messaging.close();
      await topics.delete();
    }
  });
});
