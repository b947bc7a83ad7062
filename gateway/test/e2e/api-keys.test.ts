/**
 * Partner API keys end to end: created with scopes the creator holds (the secret shown once), sent as
 * `Authorization: Bearer` or `x-api-key`, resolved by the gateway through identity, enforced by the same
 * authorization in every subgraph, and refused once revoked.
 */
import { postGraphQL } from '@platform/service-kit/testing';
import { eventually } from '@platform/testing';
import { startTestPlatform, type TestPlatform } from './platform';
import { seeds, type Member } from './seed';

const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id displayPrefix scopes status } } }`;

describe('API keys through the gateway', () => {
  let platform: TestPlatform;
  let admin: Member;
  let contactId: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    ({ admin } = await seeds(platform).organization('Keys'));
    // Partner keys write only on a plan with full API access (Free's keys read): a Pro trial, whose
    // starter holds its first seat. Once identity has the plan and the seat, the admin's keys write.
    await admin.run(
      `mutation { startSubscription(input: { planId: "pro", seats: 5, trialDays: 30 }) { status } }`,
    );
    const probe = await createKey(admin, ['contacts:read', 'contacts:write']);
    const secret = probe.data?.createApiKey.secret ?? '';
    await eventually('the Pro plan reached identity', async () => {
      const created = await withKey(
        secret,
        `mutation { createContact(input: { givenName: "Probe" }) { id } }`,
      );
      return created.errors === undefined;
    });
    contactId = (await admin.contact({ givenName: 'Ada', email: 'ada@example.com' })).id;
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  const createKey = async (member: Member, scopes: string[]) => {
    const result = await platform.graphql<{
      createApiKey: {
        secret: string;
        apiKey: { id: string; displayPrefix: string; scopes: string[]; status: string };
      };
    }>(CREATE_KEY, { input: { name: `key ${scopes.join(' ')}`, scopes } }, member.accessToken);
    return result;
  };
  const withKey = (key: string, query: string, variables: Record<string, unknown> = {}) =>
    postGraphQL(platform.gateway.graphqlUrl, query, variables, { 'x-api-key': key });
  const codeOf = (result: { errors?: Array<{ extensions?: { code?: string } }> }) =>
    result.errors?.[0]?.extensions?.code;

  it('a key scoped contacts:read reads contacts and is refused every write, in every subgraph that has data', async () => {
    const created = await createKey(admin, ['contacts:read']);
    const { secret, apiKey } = created.data?.createApiKey ?? { secret: '', apiKey: null };
    expect(secret).toMatch(/^crmk_[0-9A-Za-z]{38}$/);
    expect(apiKey).toMatchObject({
      scopes: ['contacts:read'],
      status: 'active',
      displayPrefix: secret.slice(0, 11),
    });
    const read = await platform.graphql<{ contact: { givenName: string; email: string | null } }>(
      `query($id: ID!) { contact(id: $id) { givenName email } }`,
      { id: contactId },
      secret,
    );
    // Without contacts:read_pii the key reads the contact, not its personal data.
    expect(read.data).toEqual({ contact: { givenName: 'Ada', email: null } });
    const writes = [
      ['crm', `mutation { createContact(input: { givenName: "X" }) { id } }`],
      ['conversations', `mutation { startConversation(input: { platform: chat }) { id } }`],
      [
        'automation',
        `mutation { createWorkflow(input: { name: "W", triggerEventType: "crm.contact.created.v1" }) { id } }`,
      ],
      ['identity', `mutation { inviteUser(input: { email: "x@example.com" }) { id } }`],
    ] as const;
    for (const [subgraph, mutation] of writes) {
      const answer = await withKey(secret, mutation);
      expect({ subgraph, code: codeOf(answer) }).toEqual({ subgraph, code: 'FORBIDDEN' });
    }
    const used = await admin.run<{
      apiKeys: { edges: Array<{ node: { id: string; lastUsedAt: string | null } }> };
    }>(`{ apiKeys { edges { node { id lastUsedAt } } } }`);
    expect(used.apiKeys.edges.find((edge) => edge.node.id === apiKey?.id)?.node.lastUsedAt).toEqual(
      expect.any(String),
    );
  });

  it('acts as its creator: me is the creator, and a key can never do more than its creator may', async () => {
    const agent = await admin.invite(['agent']);
    // Agents do not manage API keys: this one is given the permission directly.
    await admin.run(
      `mutation($id: ID!) { grantPermission(userId: $id, permission: "api_keys:manage") { id } }`,
      {
        id: agent.userId,
      },
    );
    // On Pro a member writes with a seat: the agent is given one (once billing knows the user), and
    // until identity knows it, the agent cannot make a key that writes.
    await eventually('the agent got a seat', async () => {
      const seat = await platform.graphql(
        `mutation($id: ID!) { assignSeat(userId: $id) { isActive } }`,
        { id: agent.userId },
        admin.accessToken,
      );
      return seat.errors === undefined;
    });
    await eventually('identity knows the agent’s seat', async () => {
      const probe = await createKey(agent, ['contacts:write']);
      return probe.errors === undefined;
    });
    const beyond = await createKey(agent, ['users:invite']);
    expect(beyond.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    const created = await createKey(agent, ['contacts:read', 'contacts:write']);
    const secret = created.data?.createApiKey.secret ?? '';
    const me = await withKey(secret, `{ me { id } }`);
    expect(me.data).toEqual({ me: { id: agent.userId } });
    await eventually(
      'the key writes as its seated creator',
      async () =>
        codeOf(await withKey(secret, `mutation { createContact(input: { givenName: "By key" }) { id } }`)) ===
        undefined,
    );
    // Demoting the creator shrinks the key: its next request can no longer write.
    await admin.run(`mutation($id: ID!) { assignRole(userId: $id, role: "viewer") { id } }`, {
      id: agent.userId,
    });
    await admin.run(`mutation($id: ID!) { unassignRole(userId: $id, role: "agent") { id } }`, {
      id: agent.userId,
    });
    await eventually(
      'the key lost contacts:write with its creator',
      async () =>
        codeOf(await withKey(secret, `mutation { createContact(input: { givenName: "Again" }) { id } }`)) ===
        'FORBIDDEN',
    );
  });

  it('an API key cannot make API keys, a mistyped key is refused, and a revoked key stops working', async () => {
    const created = await createKey(admin, ['api_keys:manage', 'contacts:read']);
    const secret = created.data?.createApiKey.secret ?? '';
    const byKey = await withKey(secret, CREATE_KEY, { input: { name: 'child', scopes: ['contacts:read'] } });
    expect(codeOf(byKey)).toBe('FORBIDDEN');
    const typo = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const refused = await withKey(typo, `{ me { id } }`);
    expect({ status: refused.status, code: codeOf(refused) }).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
    await admin.run(`mutation($id: ID!) { revokeApiKey(id: $id) { status } }`, {
      id: created.data?.createApiKey.apiKey.id,
    });
    await eventually(
      'the revoked key is refused',
      async () => (await withKey(secret, `{ me { id } }`)).status === 401,
    );
  });
});
