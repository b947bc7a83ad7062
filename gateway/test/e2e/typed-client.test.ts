/**
 * The typed client for frontend teams, run as its example runs: sign in, list contacts, create one —
 * against the whole platform through the gateway, with the operation types generated from
 * packages/client/operations against the composed supergraph.
 */
import { ContactsDocument, request, type ApiError } from '@platform/client';
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

  it('throws the API’s typed error', async () => {
    await expect(
      request({ url: platform.gateway.graphqlUrl }, ContactsDocument, { first: 5 }),
    ).rejects.toMatchObject({ name: 'ApiError', code: 'UNAUTHENTICATED' } satisfies Partial<ApiError>);
  });
});
