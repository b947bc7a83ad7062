import { SYSTEM_ROLE_PERMISSIONS } from '@platform/domain';
import { withTenant } from '@platform/service-kit';
import { emailsTo, signUpDirectly, identityUnderTest } from '../support';

// Members of an organization against real PostgreSQL: invitations (single use, seven days, resend,
// revoke), machine users, the account state machine as administrators drive it, profiles and
// preferences.

const PASSWORD = 'correct horse battery staple';
const INVITE = `mutation($input: InviteUserInput!) { inviteUser(input: $input) { id email status roles username } }`;
const ACCEPT = `mutation($input: AcceptInvitationInput!) {
  acceptInvitation(input: $input) { accessToken refreshToken user { id status emailVerified roles lastLoginAt } } }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { ... on AuthPayload { user { id } } } }`;

describe('identity members (real PostgreSQL)', () => {
  const subject = identityUnderTest(() => ({ appUrl: 'https://app.crm.example' }));

  const { call } = subject;

  async function owner(label: string) {
    const founder = await signUpDirectly(subject.env, subject.service, label);
    return { ...founder, auth: { organizationId: founder.organizationId, userId: founder.userId } };
  }

  /** The token of the latest invitation email to `to`. */
  async function latestToken(to: string): Promise<string> {
    const emails = await emailsTo(subject.env, to);
    const token = emails.at(-1)?.variables['token'];
    if (!token) throw new Error(`no invitation email to ${to}`);
    return token;
  }

  describe('invitations', () => {
    it('invites by email, and the invitee accepts once with a password and is signed in', async () => {
      const { auth, slug } = await owner('invite');
      const email = `grace@${slug}.example.com`;
      const invited = await call<{ inviteUser: Record<string, unknown> }>(auth, INVITE, {
        input: { email: ` Grace@${slug}.example.COM `, roles: ['manager'], givenName: 'Grace' },
      });
      expect(invited.data?.inviteUser).toEqual({
        id: expect.any(String) as unknown,
        email,
        status: 'invited',
        roles: ['manager'],
        username: 'grace',
      });
      const [mail] = await emailsTo(subject.env, email);
      expect(mail?.template).toBe('invitation');
      expect(mail?.variables['acceptUrl']).toMatch(
        /^https:\/\/app\.crm\.example\/accept-invitation\?token=inv_/,
      );
      const token = await latestToken(email);
      // Before accepting, the invitee cannot sign in.
      expect(
        (await call({}, LOGIN, { input: { email, password: PASSWORD } })).errors?.[0]?.extensions?.code,
      ).toBe('UNAUTHENTICATED');
      const accepted = await call<{ acceptInvitation: { user: Record<string, unknown> } }>({}, ACCEPT, {
        input: { token, password: PASSWORD },
      });
      expect(accepted.data?.acceptInvitation.user).toMatchObject({
        status: 'active',
        emailVerified: true,
        roles: ['manager'],
      });
      const again = await call({}, ACCEPT, { input: { token, password: PASSWORD } });
      expect(again.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await call({}, LOGIN, { input: { email, password: PASSWORD } })).errors).toBeUndefined();
    });

    it('resend issues a new token (the old one stops working); revoke deletes the invited user', async () => {
      const { auth, slug, organizationId } = await owner('resend');
      const email = `ada@${slug}.example.com`;
      const invited = await call<{ inviteUser: { id: string } }>(auth, INVITE, { input: { email } });
      const userId = invited.data?.inviteUser.id ?? '';
      const first = await latestToken(email);
      // Too soon: resending waits a minute after the last send.
      const tooSoon = await call(auth, `mutation($id: ID!) { resendInvitation(userId: $id) { sentCount } }`, {
        id: userId,
      });
      expect(tooSoon.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      await withTenant(subject.service.database, organizationId, (tx) =>
        tx.invitation.updateMany({ where: { userId }, data: { lastSentAt: new Date(Date.now() - 120_000) } }),
      );
      const resent = await call<{ resendInvitation: { sentCount: number; status: string } }>(
        auth,
        `mutation($id: ID!) { resendInvitation(userId: $id) { sentCount status } }`,
        { id: userId },
      );
      expect(resent.data?.resendInvitation).toEqual({ sentCount: 2, status: 'pending' });
      const second = await latestToken(email);
      expect(second).not.toBe(first);
      expect(
        (await call({}, ACCEPT, { input: { token: first, password: PASSWORD } })).errors?.[0]?.extensions
          ?.code,
      ).toBe('UNAUTHENTICATED');
      const revoked = await call<{ revokeInvitation: { status: string } }>(
        auth,
        `mutation($id: ID!) { revokeInvitation(userId: $id) { status } }`,
        { id: userId },
      );
      expect(revoked.data?.revokeInvitation.status).toBe('revoked');
      expect(
        (await call({}, ACCEPT, { input: { token: second, password: PASSWORD } })).errors?.[0]?.extensions
          ?.code,
      ).toBe('UNAUTHENTICATED');
      // Inviting the same email again brings the user back, invited.
      const back = await call<{ inviteUser: { id: string; status: string } }>(auth, INVITE, {
        input: { email },
      });
      expect(back.data?.inviteUser).toEqual(expect.objectContaining({ id: userId, status: 'invited' }));
    });

    it('an expired invitation cannot be accepted', async () => {
      const { auth, slug, organizationId } = await owner('expired');
      const email = `late@${slug}.example.com`;
      await call(auth, INVITE, { input: { email } });
      await withTenant(subject.service.database, organizationId, (tx) =>
        tx.invitation.updateMany({ where: { email }, data: { expiresAt: new Date(Date.now() - 1000) } }),
      );
      const accepted = await call({}, ACCEPT, {
        input: { token: await latestToken(email), password: PASSWORD },
      });
      expect(accepted.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('refuses a member’s email, an open invitation’s, unknown roles, and roles the inviter does not hold', async () => {
      const { auth, slug } = await owner('refuse');
      const member = await call(auth, INVITE, { input: { email: `founder@${slug}.example.com` } });
      expect(member.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      await call(auth, INVITE, { input: { email: `bo@${slug}.example.com` } });
      expect(
        (await call(auth, INVITE, { input: { email: `bo@${slug}.example.com` } })).errors?.[0]?.extensions
          ?.code,
      ).toBe('CONFLICT');
      const unknown = await call(auth, INVITE, {
        input: { email: `cy@${slug}.example.com`, roles: ['wizard'] },
      });
      expect(unknown.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { issues: [{ path: 'roles.0' }] },
      });
      const manager = { ...auth, roles: ['manager'], permissions: [...SYSTEM_ROLE_PERMISSIONS.manager] };
      const escalation = await call(manager, INVITE, {
        input: { email: `di@${slug}.example.com`, roles: ['owner'] },
      });
      expect(escalation.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('accounts', () => {
    it('creates machine users pending until activated; they never sign in with a password', async () => {
      const { auth, slug } = await owner('machines');
      const created = await call<{ createMachineUser: { id: string; status: string; type: string } }>(
        auth,
        `mutation($input: CreateMachineUserInput!) { createMachineUser(input: $input) { id status type roles } }`,
        { input: { type: 'ai', email: `assistant@${slug}.example.com`, displayName: 'Assistant' } },
      );
      expect(created.data?.createMachineUser).toMatchObject({ status: 'pending', type: 'ai' });
      const id = created.data?.createMachineUser.id;
      const activated = await call<{ activateUser: { status: string } }>(
        auth,
        `mutation($id: ID!) { activateUser(id: $id) { status } }`,
        { id },
      );
      expect(activated.data?.activateUser.status).toBe('active');
      const human = await call(
        auth,
        `mutation { createMachineUser(input: { type: human, email: "h@x.io" }) { id } }`,
      );
      expect(human.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { issues: [{ path: 'type' }] },
      });
    });

    it('deactivates, suspends, reactivates and deletes; never oneself, never the last owner, never someone mightier', async () => {
      const { auth, slug } = await owner('states');
      const email = `eve@${slug}.example.com`;
      await call(auth, INVITE, { input: { email, roles: ['agent'] } });
      const accepted = await call<{ acceptInvitation: { user: { id: string } } }>({}, ACCEPT, {
        input: { token: await latestToken(email), password: PASSWORD },
      });
      const eve = accepted.data?.acceptInvitation.user.id ?? '';
      const change = (name: string, id: string, extra = '') =>
        call<Record<string, { status: string; statusReason: string | null }>>(
          auth,
          `mutation($id: ID!) { ${name}(id: $id${extra}) { status statusReason } }`,
          { id },
        );
      expect((await change('deactivateUser', eve, ', reason: "On leave"')).data).toEqual({
        deactivateUser: { status: 'inactive', statusReason: 'On leave' },
      });
      expect(
        (await call({}, LOGIN, { input: { email, password: PASSWORD } })).errors?.[0]?.extensions?.code,
      ).toBe('UNAUTHENTICATED');
      expect((await change('suspendUser', eve, ', reason: "Policy"')).data?.['suspendUser']?.status).toBe(
        'suspended',
      );
      expect((await change('deactivateUser', eve)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect((await change('reactivateUser', eve)).data?.['reactivateUser']?.status).toBe('active');
      expect((await call({}, LOGIN, { input: { email, password: PASSWORD } })).errors).toBeUndefined();
      expect((await change('deactivateUser', auth.userId)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const agent = {
        organizationId: auth.organizationId,
        userId: eve,
        permissions: [...SYSTEM_ROLE_PERMISSIONS.agent, 'users:manage_status'],
      };
      const mightier = await call(agent, `mutation($id: ID!) { suspendUser(id: $id, reason: "x") { id } }`, {
        id: auth.userId,
      });
      expect(mightier.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const deleted = await call<{ deleteUser: { deletedAt: string | null } }>(
        auth,
        `mutation($id: ID!) { deleteUser(id: $id) { deletedAt } }`,
        { id: eve },
      );
      expect(deleted.data?.deleteUser.deletedAt).toEqual(expect.any(String));
      expect(
        (await call({}, LOGIN, { input: { email, password: PASSWORD } })).errors?.[0]?.extensions?.code,
      ).toBe('UNAUTHENTICATED');
      const listed = await call<{ users: { totalCount: number } }>(auth, `{ users { totalCount } }`);
      expect(listed.data?.users.totalCount).toBe(1);
    });

    it('lists users by status, type and name prefix, newest first', async () => {
      const { auth, slug } = await owner('list');
      for (const name of ['alma', 'alba', 'zoe']) {
        await call(auth, INVITE, {
          input: { email: `${name}@${slug}.example.com`, givenName: name.toUpperCase() },
        });
      }
      const found = await call<{
        users: { totalCount: number; edges: Array<{ node: { username: string } }> };
      }>(
        auth,
        `{ users(filter: { status: invited, search: "al" }, first: 10) { totalCount edges { node { username } } } }`,
      );
      expect(found.data?.users.totalCount).toBe(2);
      expect(found.data?.users.edges.map((edge) => edge.node.username)).toEqual(['alba', 'alma']);
    });

    it('updates profiles with validation; a user changes their own, administrators anyone’s', async () => {
      const { auth } = await owner('profile');
      const mine = await call<{ updateMyProfile: Record<string, unknown> }>(
        auth,
        `mutation { updateMyProfile(input: { displayName: "Founder F.", timezone: "Europe/Paris", locale: "fr-fr", phoneNumber: "+33123456789" }) {
          displayName timezone locale phoneNumber phoneNumberVerified } }`,
      );
      expect(mine.data?.updateMyProfile).toEqual({
        displayName: 'Founder F.',
        timezone: 'Europe/Paris',
        locale: 'fr-FR',
        phoneNumber: '+33123456789',
        phoneNumberVerified: false,
      });
      const invalid = await call(
        auth,
        `mutation { updateMyProfile(input: { timezone: "Moon/Base", locale: "??" }) { id } }`,
      );
      expect(invalid.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { issues: [{ path: 'timezone' }, { path: 'locale' }] },
      });
      const admin = await call<{ updateUser: Record<string, unknown> }>(
        auth,
        `mutation($id: ID!) { updateUser(id: $id, input: { externalIds: { google: "g-1" }, metadata: { employeeId: 42 } }) { externalIds metadata } }`,
        { id: auth.userId },
      );
      expect(admin.data?.updateUser).toEqual({
        externalIds: { google: 'g-1' },
        metadata: { employeeId: 42 },
      });
    });
  });

  describe('preferences', () => {
    it('keeps one value per user and key, readable only by the user', async () => {
      const { auth, slug } = await owner('prefs');
      await call(
        auth,
        `mutation { setMyPreference(category: "notifications", key: "notifications.email", value: true) { key } }`,
      );
      await call(
        auth,
        `mutation { setMyPreference(category: "display", key: "theme", value: "dark") { key } }`,
      );
      await call(
        auth,
        `mutation { setMyPreference(category: "display", key: "theme", value: "light") { key } }`,
      );
      const mine = await call<{ me: { preferences: unknown[] } }>(
        auth,
        `{ me { preferences { category key value } } }`,
      );
      expect(mine.data?.me.preferences).toEqual([
        { category: 'display', key: 'theme', value: 'light' },
        { category: 'notifications', key: 'notifications.email', value: true },
      ]);
      const display = await call<{ me: { preferences: unknown[] } }>(
        auth,
        `{ me { preferences(category: "display") { key } } }`,
      );
      expect(display.data?.me.preferences).toEqual([{ key: 'theme' }]);
      await call(auth, INVITE, { input: { email: `peer@${slug}.example.com` } });
      const others = await call<{ users: { edges: Array<{ node: { id: string; preferences: unknown } }> } }>(
        auth,
        `{ users { edges { node { id preferences { key } } } } }`,
      );
      const other = others.data?.users.edges.find((edge) => edge.node.id !== auth.userId);
      expect(other?.node.preferences).toBeNull();
      const bad = await call(
        auth,
        `mutation { setMyPreference(category: "Bad Category", key: "k", value: 1) { key } }`,
      );
      expect(bad.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { issues: [{ path: 'category' }] },
      });
      expect(
        (await call<{ removeMyPreference: boolean }>(auth, `mutation { removeMyPreference(key: "theme") }`))
          .data,
      ).toEqual({
        removeMyPreference: true,
      });
    });
  });
});
