import { eventually } from '@platform/testing';
import { randomUUID } from 'node:crypto';
import { uniqueSignUp } from './seed';
import { startTestPlatform, type TestPlatform } from './platform';

describe('federated reference resolution is batched', () => {
  let platform: TestPlatform;
  const statements: string[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform({
      onQuery: (service, sql) => {
        if (service === 'identity') statements.push(sql);
      },
    });
  }, 120_000);

  afterAll(async () => {
    await platform.close();
  });

  it("resolves the owners of 50 contacts with one query on identity's users table", async () => {
    const signedUp = await platform.graphql<{ signUp: { accessToken: string } }>(
      `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
      { input: uniqueSignUp('Batch') },
    );
    const token = signedUp.data?.signUp.accessToken;
    if (!token) throw new Error(JSON.stringify(signedUp.errors));
    // 49 contacts owned by 49 invited colleagues and one by the founder, so the batch really has 50
    // different keys. crm accepts an owner once identity's event about them has arrived.
    const colleagues: string[] = [];
    for (let index = 1; index < 50; index += 1) {
      const invited = await platform.graphql<{ inviteUser: { id: string } }>(
        `mutation($email: String!) { inviteUser(input: { email: $email }) { id } }`,
        { email: `colleague-${index}-${randomUUID().slice(0, 6)}@example.com` },
        token,
      );
      colleagues.push(invited.data?.inviteUser.id ?? '');
    }
    for (let index = 0; index < 50; index += 1) {
      const ownerId = colleagues[index - 1];
      await eventually(`contact ${index} created`, async () => {
        const created = await platform.graphql(
          `mutation($input: CreateContactInput!) { createContact(input: $input) { id } }`,
          { input: { givenName: `Contact ${index}`, ...(ownerId ? { ownerId } : {}) } },
          token,
        );
        return created.errors === undefined;
      });
    }

    statements.length = 0;
    const result = await platform.graphql<{
      me: {
        email: string;
        organization: { contacts: { edges: Array<{ node: { owner: { email: string } | null } }> } };
      };
    }>(
      `{ me { email organization { contacts(first: 50) { edges { node { givenName owner { id email } } } } } } }`,
      {},
      token,
    );
    expect(result.errors).toBeUndefined();
    const owners =
      result.data?.me.organization.contacts.edges.map((edge) => edge.node.owner?.email ?? null) ?? [];
    expect(owners).toHaveLength(50);
    expect(owners.filter((email) => email !== null)).toHaveLength(50);

    const onUsers = statements.filter((sql) => /^\s*SELECT\b/i.test(sql) && /"users"/.test(sql));
    // `me` loads the signed-in user (one key); the 50 owner references cost one more query, batched.
    expect(onUsers).toHaveLength(2);
    const placeholders = onUsers.map((sql) => (sql.match(/\$\d+/g) ?? []).length);
    expect(Math.max(...placeholders)).toBeGreaterThanOrEqual(50);
  });
});
