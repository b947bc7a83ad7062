import { INTERNAL_CONTEXT_HEADER } from '@platform/service-kit';
import { postGraphQL } from '@platform/service-kit/testing';
import { uniqueSignUp } from './seed';
import { startTestPlatform, type TestPlatform } from './platform';

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken user { organization { id } } } }`;

describe('tenant isolation', () => {
  let platform: TestPlatform;
  let first: { token: string; organizationId: string };
  let second: { token: string; organizationId: string };
  let contactId: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    const signUp = async (label: string) => {
      const result = await platform.graphql<{
        signUp: { accessToken: string; user: { organization: { id: string } } };
      }>(SIGN_UP, { input: uniqueSignUp(label) });
      const payload = result.data?.signUp;
      if (!payload) throw new Error(JSON.stringify(result.errors));
      return { token: payload.accessToken, organizationId: payload.user.organization.id };
    };
    first = await signUp('First');
    second = await signUp('Second');
    const created = await platform.graphql<{ createContact: { id: string } }>(
      `mutation($input: CreateContactInput!) { createContact(input: $input) { id } }`,
      { input: { givenName: 'Secret', familyName: 'Client' } },
      first.token,
    );
    const id = created.data?.createContact.id;
    if (!id) throw new Error(JSON.stringify(created.errors));
    contactId = id;
  }, 120_000);

  afterAll(async () => {
    await platform.close();
  });

  it("answers another organization's contact with NOT_FOUND, exactly like a missing id", async () => {
    const query = `query($id: ID!) { contact(id: $id) { id givenName } }`;
    const foreign = await platform.graphql(query, { id: contactId }, second.token);
    const missing = await platform.graphql(
      query,
      { id: '00000000-0000-4000-8000-000000000000' },
      second.token,
    );
    expect(foreign.data).toBeNull();
    expect(foreign.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(missing.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(foreign.errors?.[0]?.message.replace(contactId, '<id>')).toBe(
      missing.errors?.[0]?.message.replace('00000000-0000-4000-8000-000000000000', '<id>'),
    );

    const own = await platform.graphql<{ contact: { givenName: string } }>(
      query,
      { id: contactId },
      first.token,
    );
    expect(own.data?.contact.givenName).toBe('Secret');
  });

  it('answers a malformed id with NOT_FOUND, not an internal error', async () => {
    for (const query of [
      `{ contact(id: "not-a-uuid") { id } }`,
      `{ conversation(id: "not-a-uuid") { id } }`,
      `{ workflow(id: "not-a-uuid") { id } }`,
    ]) {
      const result = await platform.graphql(query, {}, first.token);
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
    }
  });

  it('shows the second organization an empty contact list', async () => {
    const result = await platform.graphql<{
      me: { organization: { contacts: { totalCount: number; edges: unknown[] } } };
    }>(
      `{ me { organization { contacts(first: 10) { totalCount edges { node { id } } } } } }`,
      {},
      second.token,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.me.organization.contacts).toEqual({ totalCount: 0, edges: [] });
  });

  it('rejects a direct subgraph call without an internal context with 401', async () => {
    const result = await postGraphQL(platform.crm.graphqlUrl, `query($id: ID!) { contact(id: $id) { id } }`, {
      id: contactId,
    });
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rejects a direct subgraph call with a forged internal context with 401', async () => {
    const [header, payload] = [
      '{"alg":"EdDSA"}',
      JSON.stringify({ org: first.organizationId, sub: 'x' }),
    ].map((part) => Buffer.from(part).toString('base64url'));
    const forged = `${header}.${payload}.${Buffer.from('not a signature').toString('base64url')}`;
    const result = await postGraphQL(
      platform.crm.graphqlUrl,
      `query($id: ID!) { contact(id: $id) { id } }`,
      { id: contactId },
      { [INTERNAL_CONTEXT_HEADER]: forged, 'x-organization-id': first.organizationId },
    );
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('never forwards a client-sent internal context through the gateway', async () => {
    // A client trying to act as the first organization while holding the second one's token.
    const result = await fetch(platform.gateway.graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${second.token}`,
        [INTERNAL_CONTEXT_HEADER]: 'forged',
      },
      body: JSON.stringify({
        query: `query($id: ID!) { contact(id: $id) { id } }`,
        variables: { id: contactId },
      }),
    });
    const body = (await result.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
  });
});
