/**
 * Partner safelists and persisted queries, end to end: an organization registers the operations of an
 * integration as a manifest, binds a partner's API key to it, and from then on the key runs those
 * operations only (by text or by hash); first-party clients use automatic persisted queries.
 */
import { createHash } from 'node:crypto';
import { eventually } from '@platform/testing';
import { startTestPlatform, type TestPlatform } from './platform';
import { seeds, type Member } from './seed';

const ME = 'query Me { me { id email } }';
const CONTACTS =
  'query Contacts($first: Int) { me { organization { contacts(first: $first) { edges { node { id givenName } } } } } }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Answer {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; extensions?: { code?: string; details?: unknown } }>;
  };
}

const REGISTER = `mutation($input: RegisterOperationManifestInput!) {
  registerOperationManifest(input: $input) { id name hash operations { id name type body } }
}`;
const BIND = `mutation($apiKeyId: ID!, $manifestId: ID) {
  setApiKeySafelist(apiKeyId: $apiKeyId, manifestId: $manifestId) { id operationManifest { id hash } }
}`;

describe('safelists and persisted queries through the gateway', () => {
  let platform: TestPlatform;
  let admin: Member;

  beforeAll(async () => {
    platform = await startTestPlatform();
    ({ admin } = await seeds(platform).organization('Safelist'));
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  async function post(body: unknown, headers: Record<string, string>): Promise<Answer> {
    const response = await fetch(platform.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  }

  const register = (member: Member, input: unknown) =>
    platform.graphql<{
      registerOperationManifest: {
        id: string;
        name: string;
        hash: string;
        operations: Array<{ id: string; name: string; type: string; body: string }>;
      };
    }>(REGISTER, { input }, member.accessToken);

  async function createKey(): Promise<{ id: string; secret: string }> {
    const created = await admin.run<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`,
      { input: { name: 'partner integration', scopes: ['contacts:read'] } },
    );
    return { id: created.createApiKey.apiKey.id, secret: created.createApiKey.secret };
  }

  it('registers a manifest by the hashes of its operations, once, and refuses a bad one with every problem', async () => {
    const registered = await register(admin, {
      name: 'Partner sync v1',
      operations: [{ body: ME, id: sha256(ME) }, { body: CONTACTS }],
    });
    expect(registered.errors).toBeUndefined();
    const manifest = registered.data?.registerOperationManifest;
    expect(manifest?.operations).toEqual([
      { id: sha256(CONTACTS), name: 'Contacts', type: 'query', body: CONTACTS },
      { id: sha256(ME), name: 'Me', type: 'query', body: ME },
    ]);
    expect(manifest?.hash).toBe(sha256([sha256(ME), sha256(CONTACTS)].sort().join('\n')));
    // The same operations again (in another order): the same manifest.
    const again = await register(admin, {
      name: 'Partner sync v1',
      operations: [{ body: CONTACTS }, { body: ME }],
    });
    expect(again.data?.registerOperationManifest.id).toBe(manifest?.id);

    const bad = await register(admin, {
      name: '',
      operations: [
        { body: ME, id: sha256('something else') },
        { body: '{ me { id } }' },
        { body: 'query A { me { id } } query B { me { id } }' },
        { body: 'query {' },
      ],
    });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const details = bad.errors?.[0]?.extensions?.details as { issues: Array<{ path: string }> } | undefined;
    expect(details?.issues.map((issue) => issue.path).sort()).toEqual(
      ['name', 'operations.0.id', 'operations.1.body', 'operations.2.body', 'operations.3.body'].sort(),
    );
  });

  it('a key bound to a manifest runs its operations, by text or hash, and is refused any other until released', async () => {
    const registered = await register(admin, {
      name: 'Partner sync v2',
      operations: [{ body: ME }, { body: CONTACTS }],
    });
    const manifestId = registered.data?.registerOperationManifest.id ?? '';
    const key = await createKey();
    const asKey = { 'x-api-key': key.secret };
    // Unbound: any operation its scopes allow.
    expect((await post({ query: '{ me { id } }' }, asKey)).status).toBe(200);

    const bound = await platform.graphql<{ setApiKeySafelist: { operationManifest: { id: string } | null } }>(
      BIND,
      { apiKeyId: key.id, manifestId },
      admin.accessToken,
    );
    expect(bound.data?.setApiKeySafelist.operationManifest?.id).toBe(manifestId);

    // From the next request the gateway has heard of (identity's event drops the cached principal).
    const refused = await eventually(
      'the binding to reach the gateway',
      async () => {
        const answer = await post({ query: '{ me { id } }' }, asKey);
        if (answer.status !== 403) throw new Error(`still admitted (HTTP ${answer.status})`);
        return answer;
      },
      { timeoutMs: 10_000 },
    );
    expect(refused.body.errors?.[0]?.extensions).toEqual({
      code: 'OPERATION_NOT_SAFELISTED',
      details: { operationId: sha256('{ me { id } }') },
    });
    // Its own operations, as registered, with variables.
    const contacts = await post({ query: CONTACTS, variables: { first: 3 } }, asKey);
    expect(contacts.status).toBe(200);
    expect(contacts.body.errors).toBeUndefined();
    const me = await post({ query: ME }, asKey);
    expect(me.body.data).toMatchObject({ me: { email: admin.email } });
    // One space more is another operation.
    expect((await post({ query: `${ME} ` }, asKey)).status).toBe(403);
    // By hash alone once this gateway knows the text (automatic persisted queries: text and hash once).
    const persisted = { persistedQuery: { version: 1, sha256Hash: sha256(CONTACTS) } };
    const hashOnly = await post({ extensions: persisted, variables: { first: 2 } }, asKey);
    expect(hashOnly.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post({ query: CONTACTS, extensions: persisted }, asKey)).status).toBe(200);
    const byHash = await post({ extensions: persisted, variables: { first: 2 } }, asKey);
    expect(byHash.status).toBe(200);
    expect(byHash.body.data).toHaveProperty('me.organization.contacts.edges');
    // A hash outside the manifest is refused before anything else.
    const foreignHash = await post(
      { extensions: { persistedQuery: { version: 1, sha256Hash: sha256('x') } } },
      asKey,
    );
    expect(foreignHash.status).toBe(403);

    // Released: any operation again.
    await platform.graphql(BIND, { apiKeyId: key.id, manifestId: null }, admin.accessToken);
    await eventually(
      'the release to reach the gateway',
      async () => {
        const answer = await post({ query: '{ me { id } }' }, asKey);
        if (answer.status !== 200) throw new Error(`still refused (HTTP ${answer.status})`);
        return true;
      },
      { timeoutMs: 10_000 },
    );
  });

  it('binds a key only to a manifest of its own organization, and only for api_keys:manage', async () => {
    const { admin: other } = await seeds(platform).organization('Other');
    const foreign = await register(other, { name: 'Theirs', operations: [{ body: ME }] });
    const key = await createKey();
    const attempt = await platform.graphql(
      BIND,
      { apiKeyId: key.id, manifestId: foreign.data?.registerOperationManifest.id },
      admin.accessToken,
    );
    expect(attempt.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // A key cannot widen or narrow safelists, even with the permission in its scopes.
    const byKey = await post(
      { query: BIND, variables: { apiKeyId: key.id, manifestId: null } },
      { 'x-api-key': key.secret },
    );
    expect(byKey.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('first-party clients use automatic persisted queries: the hash first, the text once, then the hash', async () => {
    const query = `query MyContacts { me { organization { contacts(first: 1) { edges { node { id } } } } } }`;
    const asUser = { authorization: `Bearer ${admin.accessToken}` };
    const hashOnly = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } };
    const miss = await post(hashOnly, asUser);
    expect(miss.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await post({ query, ...hashOnly }, asUser);
    expect(registered.status).toBe(200);
    expect(registered.body.errors).toBeUndefined();
    const hit = await post(hashOnly, asUser);
    expect(hit.status).toBe(200);
    expect(hit.body.data).toEqual(registered.body.data);
    // A text that does not match its hash is refused.
    const mismatch = await post({ query: '{ me { id } }', ...hashOnly }, asUser);
    expect(mismatch.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});
