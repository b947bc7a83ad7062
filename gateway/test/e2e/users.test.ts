/**
 * People joining and leaving an organization, end to end: an administrator invites a colleague by
 * email, the invitation arrives through the notification service in the local mailbox, the colleague
 * accepts with a password and signs in; deactivating them ends their access at their next request.
 */
import { eventually } from '@platform/testing';
import { startTestPlatform, type TestPlatform } from './platform';
import { seeds, tokenFromEmail } from './seed';

const PASSWORD = 'correct horse battery staple';

describe('users through the gateway', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  it('invite → the email arrives → accept → sign in, with the roles the inviter gave', async () => {
    const { org, admin } = await seeds(platform).organization('Invites');
    const email = `grace-${admin.userId.slice(0, 8)}@example.com`;
    await admin.run(`mutation($input: InviteUserInput!) { inviteUser(input: $input) { id status } }`, {
      input: { email, roles: ['manager'], givenName: 'Grace' },
    });
    const [mail] = await eventually('the invitation in the local mailbox', async () => {
      const messages = await platform.mailbox(email);
      return messages.length > 0 ? messages : undefined;
    });
    expect(mail?.subject).toBe(`Founder Invites invited you to ${org.name}`);
    const accepted = await platform.graphql<{
      acceptInvitation: { accessToken: string; user: { id: string } };
    }>(
      `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { accessToken user { id } } }`,
      { input: { token: tokenFromEmail(mail?.text ?? ''), password: PASSWORD, familyName: 'Hopper' } },
    );
    expect(accepted.errors).toBeUndefined();
    const login = await platform.graphql<{ login: { accessToken: string } }>(
      `mutation($input: LoginInput!) { login(input: $input) { ... on AuthPayload { accessToken } } }`,
      { input: { email, password: PASSWORD } },
    );
    const token = login.data?.login.accessToken ?? '';
    const me = await platform.graphql<{ me: Record<string, unknown> }>(
      `{ me { email givenName familyName status emailVerified roles permissions } }`,
      {},
      token,
    );
    expect(me.data?.me).toMatchObject({
      email,
      givenName: 'Grace',
      familyName: 'Hopper',
      status: 'active',
      emailVerified: true,
      roles: ['manager'],
    });
    expect(me.data?.me['permissions']).toContain('users:invite');

    // Deactivated, Grace's token stops at her next request; reactivated, she signs in again.
    const graceId = accepted.data?.acceptInvitation.user.id;
    await admin.run(`mutation($id: ID!) { deactivateUser(id: $id, reason: "Left the team") { status } }`, {
      id: graceId,
    });
    await eventually('Grace’s access token is refused', async () => {
      const result = await platform.graphql(`{ me { id } }`, {}, token);
      return result.status === 401;
    });
    await admin.run(`mutation($id: ID!) { reactivateUser(id: $id) { status } }`, { id: graceId });
    const again = await platform.graphql(
      `mutation($input: LoginInput!) { login(input: $input) { ... on AuthPayload { accessToken } } }`,
      {
        input: { email, password: PASSWORD },
      },
    );
    expect(again.errors).toBeUndefined();
  });

  it('a contact’s owner must be a user of the organization who may still act', async () => {
    const { admin } = await seeds(platform).organization('Owners');
    const { admin: stranger } = await seeds(platform).organization('Strangers');
    const create = (ownerId: string) =>
      platform.graphql(
        `mutation($input: CreateContactInput!) { createContact(input: $input) { id owner { id } } }`,
        { input: { givenName: 'Owned', ownerId } },
        admin.accessToken,
      );
    const foreign = await create(stranger.userId);
    expect(foreign.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { issues: [{ path: 'ownerId' }] },
    });
    const colleague = await admin.invite(['agent']);
    await eventually(
      'crm knows the colleague',
      async () => (await create(colleague.userId)).errors === undefined,
    );
    await admin.run(`mutation($id: ID!) { deactivateUser(id: $id) { status } }`, { id: colleague.userId });
    await eventually('crm refuses the deactivated colleague', async () => {
      const answer = await create(colleague.userId);
      return answer.errors?.[0]?.extensions?.code === 'BAD_USER_INPUT';
    });
  });

  it('a member invited by the seeds acts with exactly their role', async () => {
    const { admin } = await seeds(platform).organization('Seeded');
    const viewer = await admin.invite(['viewer']);
    const refused = await platform.graphql(
      `mutation { createContact(input: { givenName: "Nope" }) { id } }`,
      {},
      viewer.accessToken,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const users = await viewer.run<{ users: { totalCount: number } }>(`{ users { totalCount } }`);
    expect(users.users.totalCount).toBe(2);
  });
});
