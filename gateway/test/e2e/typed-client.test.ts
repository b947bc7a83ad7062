/**
 * The typed client for frontend teams, run as its example runs: sign in, list contacts, create one —
 * against the whole platform through the gateway, with the operation types generated from
 * packages/client/operations against the composed supergraph; its automatic persisted queries and its
 * partial results with typed errors.
 */
import { createHash } from 'node:crypto';
import { print } from 'graphql';
import { ContactsDocument, request, requestResult, type ApiError } from '@platform/client';
import { contactsExample } from '@platform/client/examples/contacts';
import { startTestPlatform, type TestPlatform } from './platform';
import { seeds } from './seed';

describe('the typed client', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  it('signs in, lists contacts and creates one, as the example does', async () => {
    const { admin } = await seeds(platform).organization('TypedClient');
    await admin.contact({ givenName: 'Grace' });
    const lines: string[] = [];
    const result = await contactsExample(platform.gateway.graphqlUrl, admin.email, admin.password, (line) =>
      lines.push(line),
    );
    expect(result.userId).toBe(admin.userId);
    expect(result.before).toBe(1);
    expect(result.after.map((contact) => contact.id)).toContain(result.created.id);
    expect(result.after.map((contact) => contact.givenName).sort()).toEqual(['Ada', 'Grace']);
    expect(lines[0]).toBe(`signed in as ${admin.email}`);
  });

  it('sends a known operation as its hash only, and its text once when the gateway asks for it', async () => {
    const { admin } = await seeds(platform).organization('TypedClientApq');
    await admin.contact({ givenName: 'Grace' });
    const sent: Array<Record<string, unknown>> = [];
    const watching: typeof fetch = (input, init) => {
      const body: unknown = JSON.parse(typeof init?.body === 'string' ? init.body : '{}');
      if (typeof body === 'object' && body !== null) sent.push({ ...body });
      return fetch(input, init);
    };
    const options = {
      url: platform.gateway.graphqlUrl,
      token: admin.accessToken,
      persistedQueries: true,
      fetch: watching,
    };
    const persistedQuery = {
      version: 1,
      sha256Hash: createHash('sha256').update(print(ContactsDocument)).digest('hex'),
    };

    const first = await request(options, ContactsDocument, { first: 5 });
    expect(first.me.organization.contacts?.edges.map(({ node }) => node.givenName)).toEqual(['Grace']);
    // The gateway did not know the hash: the client sent the text with it.
    expect(sent).toEqual([
      { variables: { first: 5 }, extensions: { persistedQuery } },
      { query: print(ContactsDocument), variables: { first: 5 }, extensions: { persistedQuery } },
    ]);

    sent.length = 0;
    expect(await request(options, ContactsDocument, { first: 5 })).toEqual(first);
    expect(sent).toEqual([{ variables: { first: 5 }, extensions: { persistedQuery } }]);
  });

  it('answers partial data with every typed error on request, and throws the first by default', async () => {
    const { admin } = await seeds(platform).organization('TypedClientPartial');
    const signedIn = { url: platform.gateway.graphqlUrl, token: admin.accessToken };
    // crm refuses a page of 0 (1–100): the contacts are null, the rest of the answer is there.
    const result = await requestResult(signedIn, ContactsDocument, { first: 0 });
    expect(result.status).toBe(200);
    expect(result.data?.me.organization).toEqual({ contacts: null });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({
      name: 'ApiError',
      code: 'BAD_USER_INPUT',
      path: ['me', 'organization', 'contacts'],
      retryAfterSeconds: null,
    } satisfies Partial<ApiError>);
    expect(result.extensions['cost']).toEqual({ estimated: expect.any(Number) as number, limit: 10_000 });

    await expect(request(signedIn, ContactsDocument, { first: 0 })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    } satisfies Partial<ApiError>);
    const refused = await requestResult({ url: platform.gateway.graphqlUrl }, ContactsDocument, { first: 5 });
    expect(refused).toMatchObject({ data: null, errors: [{ code: 'UNAUTHENTICATED' }] });
  });

  it('throws the API’s typed error', async () => {
    await expect(
      request({ url: platform.gateway.graphqlUrl }, ContactsDocument, { first: 5 }),
    ).rejects.toMatchObject({ name: 'ApiError', code: 'UNAUTHENTICATED' } satisfies Partial<ApiError>);
  });
});
